#include "descriptor_json.hpp"

namespace containerd_store {

boost::json::object to_json(const containerd::types::Descriptor& d)
{
    boost::json::object o;
    o["mediaType"] = d.media_type();
    o["digest"] = d.digest();
    o["size"] = d.size();
    if (d.annotations_size() > 0) {
        boost::json::object a;
        for (const auto& [k, v] : d.annotations()) a[k] = v;
        o["annotations"] = std::move(a);
    }
    return o;
}

containerd::types::Descriptor from_json(const boost::json::object& o)
{
    containerd::types::Descriptor d;
    d.set_media_type(std::string(o.at("mediaType").as_string()));
    d.set_digest(std::string(o.at("digest").as_string()));
    d.set_size(o.at("size").to_number<std::int64_t>());
    if (auto* a = o.if_contains("annotations"); a && a->is_object())
        for (const auto& [k, v] : a->get_object())
            if (v.is_string()) (*d.mutable_annotations())[std::string(k)] = std::string(v.get_string());
    return d;
}

}  // namespace containerd_store
