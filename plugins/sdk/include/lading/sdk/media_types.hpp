// Helpers for media-type plugins: a table from a small static description.
#pragma once

#include <lading/plugin/abi.h>
#include <lading/sdk/export.hpp>

#include <cstring>

namespace lading::sdk {

struct layer_type {
    const char* suffix;      // compressor media_suffix: "", "gzip", "zstd"
    const char* media_type;  // the layer media type this format gives it
};

// Every layer media type lading knows, in any family, with its compressor suffix; used to
// recognise the compression of an existing layer whatever format named it.
inline constexpr layer_type known_layer_types[] = {
    {"", "application/vnd.oci.image.layer.v1.tar"},
    {"gzip", "application/vnd.oci.image.layer.v1.tar+gzip"},
    {"zstd", "application/vnd.oci.image.layer.v1.tar+zstd"},
    {"", "application/vnd.docker.image.rootfs.diff.tar"},
    {"gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
    {"zstd", "application/vnd.docker.image.rootfs.diff.tar.zstd"},
    {"", "application/vnd.oci.image.layer.nondistributable.v1.tar"},
    {"gzip", "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"},
    {"zstd", "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"},
    {"gzip", "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"},
};

inline const char* suffix_of_known_layer(const char* media_type) noexcept
{
    if (!media_type) return nullptr;
    for (const auto& t : known_layer_types)
        if (std::strcmp(t.media_type, media_type) == 0) return t.suffix;
    return nullptr;
}

template <std::size_t N>
const char* find_layer_type(const layer_type (&types)[N], const char* suffix) noexcept
{
    if (!suffix) suffix = "";
    for (const auto& t : types)
        if (std::strcmp(t.suffix, suffix) == 0) return t.media_type;
    return nullptr;
}

}  // namespace lading::sdk
