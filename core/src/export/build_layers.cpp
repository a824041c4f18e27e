#include "build_layers.hpp"

#include "export/blob_sink.hpp"
#include "export/interruption.hpp"
#include "export/layer_memo_state.hpp"
#include "layer/layer_source.hpp"
#include "export/hinted_layer_streams.hpp"
#include "export/parallel_jobs.hpp"
#include "plugin/compressor.hpp"

#include <algorithm>
#include <string>
#include <thread>

namespace lading {

namespace {

memo_key memo_key_of(const std::filesystem::path& path, const layer_variant_plan& variant)
{
    return {memo_source(path), variant.compression, variant.level, variant.clamp};
}

unsigned threads_or_cores(unsigned threads)
{
    return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

std::string layer_label(const std::filesystem::path& path, const layer_variant_plan& variant)
{
    return path.string() + " (" + variant.compression + ")";
}

// Builds request layer `i` in `variant`'s compression into `into`. Whatever the build holds
// (its share of the thread budget) is taken here: a job waiting in the memo for another
// export's build of the same layer must hold nothing that build needs.
layer::built_layer build_new_layer(const export_plan& plan, const layer_variant_plan& variant, std::size_t i,
                                   plugin::catalog& plugins, thread_budget& budget, const blob_sink& into,
                                   progress_listener& progress, std::size_t progress_id,
                                   tar::entry_observer observe_walk = {})
{
    const auto& path = plan.request.layers[i].path;
    plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, variant.compression));
    // An uncompressed layer is a copy that one thread does: the rest build other layers.
    const auto share = budget.take(codec.media_suffix().empty() ? 1 : budget.size());
    progress.layer_started(progress_id, layer_label(path, variant));
    auto source = layer::open_layer_source(path, plugins, variant.clamp, std::move(observe_walk));
    layer::compression_choice choice{&codec, variant.level, share.threads(), plan.request.stop};
    return layer::build_layer(*source, choice, into, progress, progress_id);
}

// Whether no output of `variant` keeps its layers in a store (all are store=false): those
// that push read them from the push spool, where no copy is needed beside their streams
// (unkept_layers.hpp).
bool kept_in_no_store(const export_plan& plan, const layer_variant_plan& variant)
{
    return std::none_of(variant.outputs.begin(), variant.outputs.end(),
                        [&](std::size_t o) { return plan.outputs[o].destination == blob_destination::store; });
}

}  // namespace

built_layers build_layers(const export_plan& plan, export_destinations& destinations, plugin::catalog& plugins,
                          progress_listener& progress)
{
    const auto& request = plan.request;
    for (std::size_t o = 0; o < plan.outputs.size(); ++o) destinations.of(plan, o);  // opened in output order
    std::vector<blob_sink> sinks;
    for (const auto& variant : plan.variants) sinks.emplace_back(destinations.of(plan, variant.outputs));
    const hinted_layer_streams streams(plan, destinations);
    built_layers built{std::vector<std::vector<layer::built_layer>>(plan.variants.size()),
                       base_layer_conversions(plan, destinations)};
    struct job {
        std::size_t variant, layer;
    };
    std::vector<job> jobs;
    for (std::size_t v = 0; v < plan.variants.size(); ++v) {
        built.variants[v].resize(request.layers.size());
        for (std::size_t i = 0; i < request.layers.size(); ++i) jobs.push_back({v, i});
    }
    const auto conversion_jobs = built.conversions.prepare(progress);
    const auto budget = request.budget ? request.budget : std::make_shared<thread_budget>(threads_or_cores(request.threads));
    // A job takes every free thread of the budget: one layer at a time with all of them
    // holds one compressor's buffers instead of several.
    run_parallel(jobs.size() + conversion_jobs, [&](std::size_t j) {
        if (j >= jobs.size()) {
            const auto share = budget->take(budget->size());
            return built.conversions.convert(j - jobs.size(), plugins, share.threads(), progress, j);
        }
        const auto v = jobs[j].variant;
        const auto& variant = plan.variants[v];
        const auto i = jobs[j].layer;
        const auto& path = request.layers[i].path;
        throw_if_stopped(request.stop, "before building layer " + path.string());
        auto build = [&](const blob_sink& into, tar::entry_observer observe_walk = {}) {
            return build_new_layer(plan, variant, i, plugins, *budget, into, progress, j, std::move(observe_walk));
        };
        auto& out = built.variants[v][i];
        const bool memoised = request.shared_layers && request.shared_layers->internals().shares(path);
        if (!memoised && streams.pushed(v)) {
            const bool unkept = kept_in_no_store(plan, variant);
            auto into = streams.destination(v, unkept ? blob_sink(std::vector<plugin::store*>{}) : sinks[v], path,
                                            progress);
            out = build(into.sink, into.walked ? into.walked->observer() : tar::entry_observer{});
            streams.remember(v, into, out);
            if (unkept)
                destinations.unkept().add(out.blob, layer_label(path, variant),
                                          [&plan, &variant, i, &plugins, budget](const blob_sink& again) {
                                              progress_listener quiet;
                                              return build_new_layer(plan, variant, i, plugins, *budget, again, quiet, 0);
                                          });
        } else if (!memoised) {
            out = build(sinks[v]);
        } else {
            // A layer shared through the memo is built once for several exports: it is not streamed.
            auto taken = request.shared_layers->internals().obtain(memo_key_of(path, variant), sinks[v], plugins,
                                                                   request.stop, [&](const blob_sink& into) { return build(into); });
            if (taken.reused) progress.layer_started(j, layer_label(path, variant) + ", built once and shared");
            out = std::move(taken.layer);
        }
        progress.layer_done(j, out.blob, out.size);
    }, budget->size());
    return built;
}

void commit_layers(const export_plan& plan, built_layers& layers, export_destinations& destinations)
{
    for (auto& variant : layers.variants)
        for (auto& l : variant) l.pending->commit(l.blob);
    layers.conversions.commit();
    for (std::size_t p = 0; p < plan.platforms.size(); ++p) {
        const auto& base = plan.platforms[p].base;
        for (std::size_t o = 0; o < plan.outputs.size(); ++o) {
            const auto& out = plan.outputs[o];
            if (!out.copies_base_layers[p]) continue;
            auto* target = destinations.of(plan, o);
            for (std::size_t k = 0; k < base->layers.size(); ++k)
                if (!out.base_layers[p][k]) base->copy_blob(base->layers[k], *target);
        }
    }
}

}  // namespace lading
