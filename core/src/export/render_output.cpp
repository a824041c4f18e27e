#include "render_output.hpp"

#include "attest_output.hpp"

#include "export/annotations.hpp"
#include "export/blob_sink.hpp"
#include <lading/oci/manifest.hpp>
#include "plugin/media_types.hpp"

namespace lading {

namespace {

// A base layer keeps its bytes; only its media type follows the output's family.
descriptor relabel_layer(const descriptor& layer, const plugin::media_types& types)
{
    descriptor d = layer;
    d.media_type = types.of(LADING_OBJECT_LAYER, types.base_layer_suffix(layer));
    d.platform.reset();
    if (!types.can(LADING_CAN_LAYER_ANNOTATIONS)) d.annotations.clear();
    return d;
}

// A layer blob this export wrote: a new layer, or a base layer converted for force-compression.
descriptor written_layer(const digest& blob, std::uint64_t size, const std::string& media_suffix,
                         const annotation_map& annotations, const plugin::media_types& types)
{
    descriptor d{types.of(LADING_OBJECT_LAYER, media_suffix), blob, size, {}, std::nullopt, {}};
    if (types.can(LADING_CAN_LAYER_ANNOTATIONS)) d.annotations = annotations;
    return d;
}

struct rendered_image {
    descriptor manifest;  // as the index (or the store) lists it
    digest config;
};

// One platform's config and manifest of one output, written to `sink`.
rendered_image render_image(const export_plan& plan, std::size_t output, std::size_t p, const built_layers& layers,
                            const plugin::media_types& types, const blob_sink& sink, std::int64_t created)
{
    const auto& platform = plan.platforms[p];
    const auto& out = plan.outputs[output];
    const auto& built = layers.variants[out.variant];
    std::vector<descriptor> layer_descriptors;
    std::vector<digest> diff_ids;
    std::vector<layer_history> history;
    if (platform.base)
        for (std::size_t k = 0; k < platform.base->layers.size(); ++k) {
            if (auto c = out.base_layers[p][k]) {
                const auto& converted = layers.conversions.result(*c);
                layer_descriptors.push_back(written_layer(converted.blob, converted.size, converted.media_suffix,
                                                          converted.annotations, types));
                diff_ids.push_back(converted.diff_id);
            } else {
                layer_descriptors.push_back(relabel_layer(platform.base->layers[k], types));
                diff_ids.push_back(platform.base->diff_ids.at(k));
            }
        }
    for (auto i : platform.layers) {
        const auto& l = built[i];
        layer_descriptors.push_back(written_layer(l.blob, l.size, l.media_suffix, l.annotations, types));
        diff_ids.push_back(l.diff_id);
        history.push_back({"lading export: layer " + std::to_string(i + 1), "lading"});
    }
    auto config = make_json_blob(
        types.of(LADING_OBJECT_CONFIG),
        platform.base ? derive_image_config(*platform.base, platform.settings, diff_ids, history, created)
                      : build_image_config(platform.settings, diff_ids, history, created));
    const auto& spec = plan.request.outputs[output];
    auto annotations = annotations_for_manifest(spec, platform.settings.platform, plan.root_is_index);
    auto manifest = make_json_blob(
        types.of(LADING_OBJECT_MANIFEST),
        build_manifest(types.of(LADING_OBJECT_MANIFEST), config.descriptor, layer_descriptors, annotations.manifest));
    sink.put(config.descriptor.digest, config.bytes);
    sink.put(manifest.descriptor.digest, manifest.bytes);
    descriptor d = manifest.descriptor;
    d.platform = platform.settings.platform;
    d.annotations = annotations.descriptor;
    return {std::move(d), config.descriptor.digest};
}

output_result render(const export_plan& plan, std::size_t output, const built_layers& layers,
                     const attestation::export_attestations& attestations, const plugin::media_types& types,
                     const blob_sink& sink, const render_times& times)
{
    const auto& spec = plan.request.outputs[output];
    output_result result;
    std::vector<descriptor> manifests;
    for (std::size_t p = 0; p < plan.platforms.size(); ++p) {
        auto image = render_image(plan, output, p, layers, types, sink, plan.outputs[output].epoch.value_or(times.now));
        manifests.push_back(std::move(image.manifest));
        result.config = image.config;
    }
    if (plan.attestations) {
        // One attestation manifest per platform manifest, listed after all of them.
        auto entries = attest_output(plan, output, attestations, layers, manifests, types, sink, times.started);
        manifests.insert(manifests.end(), entries.begin(), entries.end());
    }
    if (plan.root_is_index) {
        auto annotations = annotations_for_index(spec);
        auto index = make_json_blob(types.of(LADING_OBJECT_INDEX),
                                    build_index(types.of(LADING_OBJECT_INDEX), manifests, annotations.index));
        sink.put(index.descriptor.digest, index.bytes);
        result.root = index.descriptor;
        result.root.annotations = annotations.descriptor;
        result.config = digest();
    } else {
        result.root = manifests.front();
    }
    return result;
}

}  // namespace

std::vector<output_result> render_outputs(const export_plan& plan, const built_layers& layers,
                                          const attestation::export_attestations& attestations,
                                          export_destinations& destinations, plugin::catalog& plugins,
                                          progress_listener& progress, const render_times& times)
{
    std::vector<output_result> results;
    for (std::size_t o = 0; o < plan.outputs.size(); ++o) {
        plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, plan.request.outputs[o].media_type_family()));
        auto* destination = destinations.of(plan, o);
        blob_sink sink(destination ? std::vector<plugin::store*>{destination} : std::vector<plugin::store*>{});
        auto result = render(plan, o, layers, attestations, types, sink, times);
        result.names = final_names(plan.outputs[o], result.root.digest);
        // Not its names yet: they are bound (and pushed) after every output is complete and unpacked.
        progress.step("exported " + result.root.digest.str());
        results.push_back(std::move(result));
    }
    return results;
}

}  // namespace lading
