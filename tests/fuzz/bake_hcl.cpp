// A bake file in HCL's native syntax, read into the JSON form's tree, whose strings are then
// interpolated as the resolver would (with the columns the reader gave them), calling the
// file's own function blocks, which are checked first as the resolver checks them. Faults are syntax errors and diagnostics; nothing may throw.
#include "fuzz_input.hpp"

#include "bake/hcl_reader.hpp"
#include "bake/interpolation.hpp"
#include "bake/user_functions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace lading::bake;
    json_syntax_error error;
    auto root = parse_bake_hcl(lading::fuzz::as_text(data, size), error);
    if (!root) return 0;
    name_lookup lookup = [](const std::string& name) -> std::optional<json_node> {
        if (name == "TAG") return string_node("dev");
        return std::nullopt;
    };
    diagnostics problems;
    user_functions functions;
    if (const auto* block = root->find("function")) functions.read_block(*block, "fuzz.hcl", bake_syntax::hcl, problems);
    functions.check([](const std::string& name) { return name == "TAG"; }, problems);
    functions.set_globals(lookup);
    user_function_scope calls_functions(functions);
    interpolate(*root, lookup, "fuzz.hcl", problems);
    return 0;
}
