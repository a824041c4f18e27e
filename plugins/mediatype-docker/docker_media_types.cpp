// Docker image manifest v2 schema 2 media types.
#include <lading/sdk/media_types.hpp>

namespace {

constexpr lading::sdk::layer_type layers[] = {
    {"", "application/vnd.docker.image.rootfs.diff.tar"},
    {"gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
    // Not in the schema2 specification; containerd and BuildKit use it, skopeo refuses it.
    {"zstd", "application/vnd.docker.image.rootfs.diff.tar.zstd"},
};

const char* media_type(uint32_t object, const char* layer_suffix) noexcept
{
    switch (object) {
    case LADING_OBJECT_MANIFEST: return "application/vnd.docker.distribution.manifest.v2+json";
    case LADING_OBJECT_INDEX: return "application/vnd.docker.distribution.manifest.list.v2+json";
    case LADING_OBJECT_CONFIG: return "application/vnd.docker.container.image.v1+json";
    case LADING_OBJECT_LAYER: return lading::sdk::find_layer_type(layers, layer_suffix);
    }
    return nullptr;
}

const lading_mediatype_v1 table{
    lading::sdk::make_header<lading_mediatype_v1>(LADING_KIND_MEDIATYPE, "docker", "1.0.0"),
    LADING_CAN_MANIFEST_ANNOTATIONS,
    &media_type,
    &lading::sdk::suffix_of_known_layer,
};

}  // namespace

LADING_EXPORT_PLUGIN(table)
