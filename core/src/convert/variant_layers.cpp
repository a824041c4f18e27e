#include "convert/variant_layers.hpp"

#include "convert/recorded_conversion.hpp"
#include "convert/stoppable_source.hpp"
#include "export/blob_sink.hpp"
#include "export/parallel_jobs.hpp"
#include "layer/layer_conversion.hpp"

#include <lading/error.hpp>
#include <lading/plugin/store.hpp>

#include <optional>

namespace lading::convert {

namespace {

struct layer_job {
    const source_layer* source = nullptr;
    std::optional<layer::converted_layer> recorded;
    std::optional<layer::built_layer> built;  // not committed yet
};

layer::converted_layer converted_form(const layer::built_layer& built)
{
    return {built.blob, built.size, built.diff_id, built.media_suffix, built.annotations};
}

}  // namespace

std::map<digest, layer::converted_layer> convert_layers(plugin::store& store, plugin::catalog& plugins,
                                                        const layer_target& target,
                                                        const std::vector<const source_layer*>& layers,
                                                        std::stop_token stop)
{
    const auto compression = target.codec->name();
    const auto suffix = target.codec->media_suffix();
    std::vector<layer_job> jobs;
    for (const auto* l : layers) {
        bool listed = false;
        for (const auto& j : jobs) listed = listed || j.source->blob.digest == l->blob.digest;
        if (!listed) jobs.push_back({l, std::nullopt, std::nullopt});
    }

    const blob_sink sink({&store});
    progress_listener quiet;
    run_parallel(jobs.size(), [&](std::size_t k) {
        auto& job = jobs[k];
        const auto& source = *job.source;
        const auto what = "converting layer " + source.blob.digest.str() + " to " + compression;
        if (stop.stop_requested()) throw conversion_stopped(what);
        job.recorded = find_checked_conversion(store, plugins, source, compression, target.level, suffix, stop);
        if (job.recorded) return;
        if (!store.blob_size(source.blob.digest))
            throw error("layer " + source.blob.digest.str() + " is not in the store " + store.location());
        auto blob = std::make_unique<stoppable_source>(store.open_blob(source.blob.digest), stop, what);
        // The source above stops the conversion with conversion_stopped; no second stop check.
        layer::compression_choice choice{target.codec, target.level, target.threads, {}};
        job.built = layer::convert_layer(std::move(blob), source.blob, source.diff_id, plugins, choice, sink, quiet, k);
    });
    if (stop.stop_requested()) throw conversion_stopped("converting to " + compression);

    std::map<digest, layer::converted_layer> converted;
    for (auto& job : jobs) {
        if (job.built) {
            job.built->pending->commit(job.built->blob);
            job.recorded = converted_form(*job.built);
            layer::remember_conversion(store, job.source->blob.digest, compression, target.level, *job.recorded);
        }
        converted.emplace(job.source->blob.digest, std::move(*job.recorded));
    }
    return converted;
}

}  // namespace lading::convert
