// The host's view of a media-type plugin: which names a format gives and what it can say.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/plugin/catalog.hpp>

#include <optional>
#include <string>

namespace lading::plugin {

class media_types {
public:
    explicit media_types(const loaded_plugin& plugin);

    std::string name() const { return table_->header.name; }
    bool can(lading_capability capability) const { return (table_->capabilities & capability) != 0; }
    // Throws lading::error when the format cannot name the object.
    std::string of(lading_object object, const std::string& layer_suffix = "") const;
    std::optional<std::string> layer_suffix_of(const std::string& media_type) const;
    // The suffix of a base image's layer; throws lading::error naming the layer when its
    // media type is not one this format knows.
    std::string base_layer_suffix(const descriptor& layer) const;

private:
    std::shared_ptr<void> library_;
    const lading_mediatype_v1* table_;
};

}  // namespace lading::plugin
