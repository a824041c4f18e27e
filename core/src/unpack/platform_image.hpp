// Finds, in a stored image, the manifest made for one platform (this machine's, to unpack)
// and its layers.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/oci/platform.hpp>
#include <lading/plugin/store.hpp>

#include <optional>
#include <vector>

namespace lading::unpack {

struct image_layer {
    descriptor blob;  // as the manifest lists it
    digest diff_id;   // the config's sha256 of its uncompressed tar
};

struct platform_image {
    descriptor manifest;
    lading::platform platform;
    std::vector<image_layer> layers;  // bottom first
};

// The manifest of `root` (a manifest, or an index of manifests) whose platform is
// `host`: for an index the first entry that matches, for a single manifest the platform
// its config states. nullopt when none matches. Throws lading::error when a blob is
// missing or malformed, or when the config's diffIDs do not pair with the layers.
std::optional<platform_image> find_platform_image(plugin::store& store, const descriptor& root, const platform& host);

// Same os and architecture, and the same variant unless one of them has none (all normalised).
bool platform_matches(const platform& image, const platform& host);

}  // namespace lading::unpack
