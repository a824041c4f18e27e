// OCI image-spec 1.1 media types.
#include <lading/sdk/media_types.hpp>

namespace {

constexpr lading::sdk::layer_type layers[] = {
    {"", "application/vnd.oci.image.layer.v1.tar"},
    {"gzip", "application/vnd.oci.image.layer.v1.tar+gzip"},
    {"zstd", "application/vnd.oci.image.layer.v1.tar+zstd"},
};

const char* media_type(uint32_t object, const char* layer_suffix) noexcept
{
    switch (object) {
    case LADING_OBJECT_MANIFEST: return "application/vnd.oci.image.manifest.v1+json";
    case LADING_OBJECT_INDEX: return "application/vnd.oci.image.index.v1+json";
    case LADING_OBJECT_CONFIG: return "application/vnd.oci.image.config.v1+json";
    case LADING_OBJECT_LAYER: return lading::sdk::find_layer_type(layers, layer_suffix);
    }
    return nullptr;
}

const lading_mediatype_v1 table{
    lading::sdk::make_header<lading_mediatype_v1>(LADING_KIND_MEDIATYPE, "oci", "1.0.0"),
    LADING_CAN_MANIFEST_ANNOTATIONS | LADING_CAN_DESCRIPTOR_ANNOTATIONS | LADING_CAN_LAYER_ANNOTATIONS |
        LADING_CAN_ARTIFACTS | LADING_CAN_ATTESTATIONS,
    &media_type,
    &lading::sdk::suffix_of_known_layer,
};

}  // namespace

LADING_EXPORT_PLUGIN(table)
