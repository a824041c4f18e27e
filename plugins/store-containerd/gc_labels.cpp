#include "gc_labels.hpp"

#include <boost/json/parse.hpp>

namespace containerd_store {

namespace {
std::string string_at(const boost::json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

const boost::json::array* array_at(const boost::json::object& o, std::string_view key)
{
    auto* v = o.if_contains(key);
    return v && v->is_array() ? &v->get_array() : nullptr;
}

bool is_compressed(std::string_view media_type)
{
    return media_type.ends_with("gzip") || media_type.ends_with("zstd");
}
}  // namespace

std::optional<boost::json::object> manifest_or_index(std::string_view bytes)
{
    if (bytes.empty() || bytes.front() != '{') return std::nullopt;
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto& o = v.get_object();
    if (!array_at(o, "manifests") && !(o.contains("config") && array_at(o, "layers"))) return std::nullopt;
    return std::move(o);
}

std::map<std::string, std::string> child_ref_labels(const boost::json::object& doc)
{
    std::map<std::string, std::string> labels;
    const std::string prefix = "containerd.io/gc.ref.content.";
    auto add_all = [&](const boost::json::array* children, const std::string& key) {
        if (!children) return;
        for (std::size_t i = 0; i < children->size(); ++i)
            if ((*children)[i].is_object())
                if (auto d = string_at((*children)[i].get_object(), "digest"); !d.empty())
                    labels[prefix + key + std::to_string(i)] = d;
    };
    add_all(array_at(doc, "manifests"), "m.");
    if (auto d = config_digest(doc); !d.empty()) labels[prefix + "config"] = d;
    add_all(array_at(doc, "layers"), "l.");
    return labels;
}

std::pair<std::string, std::string> distribution_source_label(const std::map<std::string, std::string>& current,
                                                              const std::string& registry,
                                                              const std::string& repository)
{
    const auto key = "containerd.io/distribution.source." + registry;
    auto it = current.find(key);
    if (it == current.end() || it->second.empty()) return {key, repository};
    std::string listed = "," + it->second + ",";
    if (listed.find("," + repository + ",") != std::string::npos) return {key, it->second};
    return {key, it->second + "," + repository};
}

std::string config_digest(const boost::json::object& manifest)
{
    auto* c = manifest.if_contains("config");
    return c && c->is_object() ? string_at(c->get_object(), "digest") : std::string();
}

std::vector<std::pair<std::string, std::string>> compressed_layer_diff_ids(const boost::json::object& manifest,
                                                                           std::string_view config_bytes)
{
    std::vector<std::pair<std::string, std::string>> found;
    auto* layers = array_at(manifest, "layers");
    boost::system::error_code ec;
    auto config = boost::json::parse(config_bytes, ec);
    if (!layers || ec || !config.is_object()) return found;
    auto* rootfs = config.get_object().if_contains("rootfs");
    auto* diff_ids = rootfs && rootfs->is_object() ? array_at(rootfs->get_object(), "diff_ids") : nullptr;
    if (!diff_ids || diff_ids->size() != layers->size()) return found;
    for (std::size_t i = 0; i < layers->size(); ++i) {
        if (!(*layers)[i].is_object() || !(*diff_ids)[i].is_string()) continue;
        const auto& layer = (*layers)[i].get_object();
        if (is_compressed(string_at(layer, "mediaType")))
            found.emplace_back(string_at(layer, "digest"), std::string((*diff_ids)[i].get_string()));
    }
    return found;
}

}  // namespace containerd_store
