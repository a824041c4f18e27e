#include "attest_output.hpp"

#include "attestation/attestation_manifest.hpp"

namespace lading {

std::vector<descriptor> attest_output(const export_plan& plan, std::size_t output,
                                      const attestation::export_attestations& attestations,
                                      const built_layers& layers, const std::vector<descriptor>& manifests,
                                      const plugin::media_types& types, const blob_sink& sink, std::int64_t started)
{
    const auto& request = plan.request;
    const auto& spec = request.outputs[output];
    const auto& out = plan.outputs[output];
    const auto& built = layers.variants[out.variant];
    const attestation::attestation_manifest_format format{types.of(LADING_OBJECT_MANIFEST),
                                                          types.of(LADING_OBJECT_CONFIG),
                                                          spec.artifact()};
    std::vector<descriptor> entries;
    for (std::size_t p = 0; p < plan.platforms.size(); ++p) {
        const auto& platform = plan.platforms[p];
        attestation::attested_image image{request, spec, platform.settings.platform, manifests[p], {}, started,
                                          out.epoch};
        if (platform.base)
            image.materials.push_back(attestation::base_image_material(
                platform.base->reference, platform.base->manifest_digest, platform.settings.platform));
        for (auto i : platform.layers)
            image.materials.push_back(attestation::layer_material(request.layers[i].path, built[i].diff_id));
        auto made = attestation::build_attestation_manifest(attestations.statements_for(image), manifests[p], format);
        for (const auto& blob : made.blobs) sink.put(blob.descriptor.digest, blob.bytes);
        sink.put(made.manifest.descriptor.digest, made.manifest.bytes);
        entries.push_back(std::move(made.index_entry));
    }
    return entries;
}

}  // namespace lading
