// The Accept header of a manifest request: every image and index type lading reads, so that a
// registry answers with what it stores instead of converting it.
#pragma once

namespace lading::registry {

inline constexpr const char* manifest_accept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

}  // namespace lading::registry
