// The media types of image documents lading reads and writes, in both families (OCI and
// Docker's), and the questions asked of a document's type. Layer media types are the
// media-type plugins' (plugins/sdk/include/lading/sdk/media_types.hpp).
#pragma once

#include <string_view>

namespace lading::media_types {

inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";

// An index of manifests: OCI's image index or Docker's manifest list.
constexpr bool is_index(std::string_view t) noexcept { return t == oci_index || t == docker_manifest_list; }

// One image's manifest (not an index).
constexpr bool is_image_manifest(std::string_view t) noexcept { return t == oci_manifest || t == docker_manifest; }

// What an image name can point at: an image manifest or an index.
constexpr bool is_manifest_or_index(std::string_view t) noexcept { return is_index(t) || is_image_manifest(t); }

constexpr bool is_image_config(std::string_view t) noexcept { return t == oci_config || t == docker_config; }

// Docker's manifest or manifest list (schema 2).
constexpr bool is_docker_document(std::string_view t) noexcept
{
    return t == docker_manifest || t == docker_manifest_list;
}

}  // namespace lading::media_types
