#include <lading/oci/canonical_json.hpp>
#include <lading/oci/descriptor.hpp>
#include <lading/error.hpp>

namespace lading {

boost::json::object descriptor::to_json() const
{
    boost::json::object o;
    o["mediaType"] = media_type;
    o["digest"] = digest.str();
    o["size"] = size;
    if (!annotations.empty()) {
        boost::json::object a;
        for (const auto& [k, v] : annotations) a[k] = v;
        o["annotations"] = std::move(a);
    }
    if (platform) o["platform"] = platform->to_json();
    if (!artifact_type.empty()) o["artifactType"] = artifact_type;
    return o;
}

descriptor descriptor::from_json(const boost::json::value& v)
{
    const auto* o = v.if_object();
    if (!o) throw error("descriptor is not a JSON object");
    auto string_field = [&](const char* key) -> std::string {
        auto* f = o->if_contains(key);
        if (!f || !f->is_string()) throw error(std::string("descriptor has no string \"") + key + "\"");
        return std::string(f->get_string());
    };
    auto media_type = string_field("mediaType");
    auto dgst = digest::parse_or_throw(string_field("digest"), "descriptor digest");
    auto* size = o->if_contains("size");
    if (!size || !(size->is_int64() || size->is_uint64()) || (size->is_int64() && size->get_int64() < 0))
        throw error("descriptor of " + dgst.str() + " has no valid size");
    descriptor d{media_type, dgst, size->is_int64() ? static_cast<std::uint64_t>(size->get_int64()) : size->get_uint64(),
                 {}, std::nullopt, {}};
    if (auto* a = o->if_contains("annotations"); a && a->is_object())
        for (const auto& kv : a->get_object())
            if (kv.value().is_string()) d.annotations[std::string(kv.key())] = std::string(kv.value().get_string());
    if (auto* p = o->if_contains("platform"); p && p->is_object())
        d.platform = lading::platform::from_json(p->get_object(), "the platform of descriptor " + dgst.str());
    if (auto* t = o->if_contains("artifactType"); t && t->is_string()) d.artifact_type = std::string(t->get_string());
    return d;
}

json_blob make_json_blob(std::string media_type, const boost::json::value& document)
{
    json_blob blob;
    blob.bytes = canonical_json(document);
    blob.descriptor.media_type = std::move(media_type);
    blob.descriptor.digest = digest::of(blob.bytes);
    blob.descriptor.size = blob.bytes.size();
    return blob;
}

}  // namespace lading
