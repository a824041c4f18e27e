// A bake file in HCL's native syntax, read into the JSON form's tree, whose strings are then
// interpolated as the resolver would (with the columns the reader gave them). Faults are
// syntax errors and diagnostics; nothing may throw.
#include "fuzz_input.hpp"

#include "bake/hcl_reader.hpp"
#include "bake/interpolation.hpp"

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
    interpolate(*root, lookup, "fuzz.hcl", problems);
    return 0;
}
