#include "imagetools/source_images.hpp"

#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>

#include <boost/json/parse.hpp>

namespace lading::imagetools {

namespace {

boost::json::object parse_object(const std::string& bytes, const std::string& what)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) throw error(what + " is not a JSON object");
    return std::move(v.as_object());
}

// The platform object of an image config: os, architecture, variant, os.version, os.features.
std::optional<boost::json::object> platform_of_config(const boost::json::object& config)
{
    boost::json::object p;
    for (const char* key : {"architecture", "os", "os.version", "variant"})
        if (auto* v = config.if_contains(key); v && v->is_string() && !v->get_string().empty()) p[key] = *v;
    if (auto* f = config.if_contains("os.features"); f && f->is_array() && !f->as_array().empty()) p["os.features"] = *f;
    if (!p.contains("os") || !p.contains("architecture")) return std::nullopt;
    return p;
}

}  // namespace

source_images read_source_images(image_origin& origin, const std::string& reference, const std::string& label)
{
    registry::fetched_manifest m;
    try {
        m = origin.manifest(reference);
    } catch (const std::exception& e) {
        throw error("source " + label + ": " + e.what());
    }
    auto doc = parse_object(m.bytes, "source " + label);
    source_images out;
    if (auto* list = doc.if_contains("manifests")) {
        if (!list->is_array()) throw error("source " + label + " has a malformed \"manifests\" list");
        out.is_index = true;
        for (const auto& entry : list->as_array()) {
            if (!entry.is_object()) throw error("source " + label + " has a malformed descriptor");
            try {
                out.children.push_back(child_from_json(entry.as_object()));
            } catch (const std::exception& e) {
                throw error("source " + label + ": " + e.what());
            }
        }
        if (auto* a = doc.if_contains("annotations"); a && a->is_object())
            for (const auto& [k, v] : a->as_object())
                if (v.is_string()) out.index_annotations[std::string(k)] = std::string(v.get_string());
        return out;
    }
    if (!doc.contains("config") || m.media_type.empty())
        throw error("source " + label + " is neither an image manifest nor an index");
    boost::json::object child{{"mediaType", m.media_type}, {"digest", m.digest.str()}, {"size", m.bytes.size()}};
    if (auto* t = doc.if_contains("artifactType"); t && t->is_string()) child["artifactType"] = *t;
    auto config = descriptor::from_json(doc.at("config"));
    if (media_types::is_image_config(config.media_type)) {
        auto bytes = origin.small_blob(config);
        if (auto p = platform_of_config(parse_object(bytes, "config of source " + label))) child["platform"] = std::move(*p);
    }
    out.children.push_back(child_from_json(child));
    return out;
}

}  // namespace lading::imagetools
