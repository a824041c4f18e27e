#include <lading/error.hpp>
#include "plugin/media_types.hpp"

namespace lading::plugin {

media_types::media_types(const loaded_plugin& plugin)
    : library_(plugin.library), table_(reinterpret_cast<const lading_mediatype_v1*>(plugin.header))
{
}

std::string media_types::of(lading_object object, const std::string& layer_suffix) const
{
    const char* t = table_->media_type(object, layer_suffix.c_str());
    if (!t) {
        if (object == LADING_OBJECT_LAYER)
            throw error("the " + name() + " media types have no layer type for " +
                        (layer_suffix.empty() ? std::string("uncompressed") : layer_suffix) + " layers");
        throw error("the " + name() + " media types cannot express this object");
    }
    return t;
}

std::optional<std::string> media_types::layer_suffix_of(const std::string& media_type) const
{
    const char* s = table_->layer_suffix_of(media_type.c_str());
    return s ? std::optional<std::string>(s) : std::nullopt;
}

std::string media_types::base_layer_suffix(const descriptor& layer) const
{
    auto suffix = layer_suffix_of(layer.media_type);
    if (!suffix) throw error("base image layer " + layer.digest.str() + " has an unknown media type " + layer.media_type);
    return *suffix;
}

}  // namespace lading::plugin
