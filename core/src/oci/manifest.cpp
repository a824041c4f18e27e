#include <lading/oci/manifest.hpp>

namespace lading {

namespace {
boost::json::object annotations_json(const annotation_map& annotations)
{
    boost::json::object a;
    for (const auto& [k, v] : annotations) a[k] = v;
    return a;
}
}  // namespace

boost::json::object build_manifest(const std::string& media_type, const descriptor& config,
                                   const std::vector<descriptor>& layers, const annotation_map& annotations)
{
    boost::json::array layer_array;
    for (const auto& l : layers) layer_array.emplace_back(l.to_json());
    boost::json::object m{{"schemaVersion", 2}, {"mediaType", media_type}, {"config", config.to_json()},
                          {"layers", std::move(layer_array)}};
    if (!annotations.empty()) m["annotations"] = annotations_json(annotations);
    return m;
}

boost::json::object build_index(const std::string& media_type, const std::vector<descriptor>& manifests,
                                const annotation_map& annotations)
{
    boost::json::array list;
    for (const auto& d : manifests) list.emplace_back(d.to_json());
    boost::json::object index{{"schemaVersion", 2}, {"mediaType", media_type}, {"manifests", std::move(list)}};
    if (!annotations.empty()) index["annotations"] = annotations_json(annotations);
    return index;
}

}  // namespace lading
