#include "image_view.hpp"

#include "json_file.hpp"
#include "oci_layout.hpp"

namespace lading::test {

image_view read_image(const std::filesystem::path& store, const std::string& manifest_digest)
{
    oci_layout layout(store);
    image_view v;
    v.digest = manifest_digest;
    v.manifest = layout.read_json_blob(manifest_digest).as_object();
    v.config = layout.read_json_blob(json_string(v.manifest.at("config"), "digest")).as_object();
    for (const auto& l : v.manifest.at("layers").as_array()) {
        v.layers.push_back(l.as_object());
        v.layer_digests.push_back(json_string(l, "digest"));
        v.layer_types.push_back(json_string(l, "mediaType"));
    }
    for (const auto& d : v.config.at("rootfs").at("diff_ids").as_array()) v.diff_ids.emplace_back(d.as_string());
    return v;
}

}  // namespace lading::test
