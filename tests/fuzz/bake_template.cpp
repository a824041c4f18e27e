// A bake string as an HCL template: ${...} expressions, %{if}/%{for} directives, strip markers.
// Problems are reported as diagnostics; nothing may throw.
#include "fuzz_input.hpp"

#include "bake/interpolation.hpp"

#include <map>
#include <string>

namespace {

lading::bake::json_node parsed(const std::string& json)
{
    lading::bake::json_syntax_error error;
    return *lading::bake::parse_positioned_json(json, error);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace lading::bake;
    static const std::map<std::string, json_node> variables{
        {"ON", parsed("true")},       {"NAME", parsed("\"app\"")},         {"N", parsed("3")},
        {"LIST", parsed("[\"a\",1]")}, {"MAP", parsed("{\"k\":{\"x\":\"y\"}}")}, {"NONE", parsed("null")},
    };
    name_lookup lookup = [](const std::string& n) -> std::optional<json_node> {
        auto it = variables.find(n);
        if (it == variables.end()) return std::nullopt;
        return it->second;
    };
    json_node node;
    node.type = json_node::kind::string;
    node.text = std::string(lading::fuzz::as_text(data, size));
    node.verbatim = true;
    diagnostics problems;
    interpolate(node, lookup, "fuzz.json", problems);
    return 0;
}
