#include <lading/error.hpp>
#include "unpack/platform_image.hpp"

#include <boost/json/parse.hpp>

namespace lading::unpack {

namespace {

constexpr std::size_t max_json_blob = 4u << 20;

boost::json::object read_json_object(plugin::store& store, const digest& d, const char* what)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(store.read_small_blob(d, max_json_blob), ec);
    if (ec || !v.is_object()) throw error(std::string(what) + " " + d.str() + " in the store is not a JSON object");
    return std::move(v.as_object());
}

std::string string_at(const boost::json::object& o, const char* key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

platform_image read_manifest(plugin::store& store, const descriptor& manifest_descriptor)
{
    auto manifest = read_json_object(store, manifest_descriptor.digest, "manifest");
    auto* layers = manifest.if_contains("layers");
    auto* config = manifest.if_contains("config");
    if (!layers || !layers->is_array() || !config)
        throw error("manifest " + manifest_descriptor.digest.str() + " has no layers or no config");
    auto config_descriptor = descriptor::from_json(*config);
    auto image_config = read_json_object(store, config_descriptor.digest, "image config");

    platform_image out;
    out.manifest = manifest_descriptor;
    std::string variant = string_at(image_config, "variant");
    out.platform = platform{string_at(image_config, "os"), string_at(image_config, "architecture"), variant};

    const boost::json::array* diff_ids = nullptr;
    if (auto* rootfs = image_config.if_contains("rootfs"); rootfs && rootfs->is_object())
        if (auto* ids = rootfs->get_object().if_contains("diff_ids"); ids && ids->is_array()) diff_ids = &ids->get_array();
    const auto& layer_list = layers->get_array();
    const std::size_t id_count = diff_ids ? diff_ids->size() : 0;
    if (id_count != layer_list.size())
        throw error("image config " + config_descriptor.digest.str() + " lists " + std::to_string(id_count) +
                    " diffIDs for the " + std::to_string(layer_list.size()) + " layers of manifest " +
                    manifest_descriptor.digest.str());
    for (std::size_t i = 0; i < layer_list.size(); ++i) {
        const auto& id = (*diff_ids)[i];
        out.layers.push_back({descriptor::from_json(layer_list[i]),
                              digest::parse_or_throw(id.is_string() ? std::string_view(id.get_string()) : "",
                                                     "diffID " + std::to_string(i + 1) + " of the image config")});
    }
    return out;
}

}  // namespace

bool platform_matches(const platform& image, const platform& host)
{
    auto a = image.normalized(), b = host.normalized();
    return a.os == b.os && a.architecture == b.architecture &&
           (a.variant == b.variant || a.variant.empty() || b.variant.empty());
}

std::optional<platform_image> find_platform_image(plugin::store& store, const descriptor& root, const platform& host)
{
    auto document = read_json_object(store, root.digest, "image");
    if (auto* manifests = document.if_contains("manifests")) {
        if (!manifests->is_array()) throw error("index " + root.digest.str() + " has no manifests list");
        for (const auto& entry : manifests->get_array()) {
            auto d = descriptor::from_json(entry);
            if (!d.platform || !platform_matches(*d.platform, host)) continue;
            auto image = read_manifest(store, d);
            image.platform = *d.platform;
            return image;
        }
        return std::nullopt;
    }
    auto image = read_manifest(store, root);
    if (!platform_matches(image.platform, host)) return std::nullopt;
    return image;
}

}  // namespace lading::unpack
