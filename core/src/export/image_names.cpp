#include "export/image_names.hpp"
#include <lading/oci/reference.hpp>

namespace lading {

std::vector<std::string> final_names(const output_spec& spec, const digest& root)
{
    std::vector<std::string> names = spec.names;
    if (spec.name_canonical)
        for (const auto& n : spec.names)
            if (n.find('@') == std::string::npos) names.push_back(n + "@" + root.str());
    if (!spec.dangling_name_prefix.empty() && (!spec.dangling_name_empty_only || spec.names.empty()))
        names.push_back(spec.dangling_name_prefix + "@" + root.str());
    return names;
}

std::string normalized_name(const std::string& name) { return parse_reference(name).normalized(); }

}  // namespace lading
