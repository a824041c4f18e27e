#include "build_layers.hpp"

#include "export/blob_sink.hpp"
#include "export/interruption.hpp"
#include "export/layer_memo_state.hpp"
#include "layer/layer_source.hpp"
#include "export/parallel_jobs.hpp"
#include "export/push_hints.hpp"
#include "layer/source_fingerprint.hpp"
#include "registry/blob_presence.hpp"
#include "plugin/compressor.hpp"

#include <future>
#include <thread>

namespace lading {

namespace {

memo_key memo_key_of(const std::filesystem::path& path, const layer_variant_plan& variant)
{
    std::error_code ec;
    auto source = std::filesystem::weakly_canonical(path, ec);
    return {(ec ? path : source).string(), variant.compression, variant.level, variant.clamp};
}

// The stores, with metadata, that keep a variant's layers: its push hints live there.
std::vector<plugin::store*> stores_for_hints(const export_plan& plan, const layer_variant_plan& variant,
                                             export_destinations& destinations)
{
    std::vector<plugin::store*> stores;
    for (auto o : variant.outputs)
        if (plan.outputs[o].destination == blob_destination::store)
            if (auto* s = destinations.of(plan, o); s && s->features().metadata) stores.push_back(s);
    return stores;
}

// Where one layer of a push is built: the variant's stores, streaming to every repository
// it is pushed to except those that hold the blob its hint names already. The hint only
// spares the stream; the push still checks the blob that is really built (push_hints.hpp).
struct layer_destination {
    blob_sink sink;
    std::string hint_key;
    // The source's fingerprint, remembered with the blob once it is built: taken before the
    // build when a hint is checked against it, else beside the build (a stat walk of a large
    // tree takes a noticeable part of a second).
    std::future<std::optional<digest>> fingerprint;
};

layer_destination hinted_destination(const blob_sink& variant_sink, std::vector<registry::upload_target> targets,
                                     const export_plan& plan, const layer_variant_plan& variant,
                                     const std::filesystem::path& path, const push_hint_book& hints,
                                     export_destinations& destinations, progress_listener& progress)
{
    layer_destination d{variant_sink, push_hint_key(path, variant), {}};
    auto hint = hints.find(d.hint_key);
    if (!hint) {
        d.fingerprint = std::async(std::launch::async, [path] { return layer::source_fingerprint(path); });
    } else {
        auto now = layer::source_fingerprint(path);
        d.fingerprint = std::async(std::launch::deferred, [now] { return now; });
        if (now == hint->fingerprint)
            std::erase_if(targets, [&](const registry::upload_target& t) {
                if (!registry::repository_has_blob(t, hint->blob, plan.request.stop)) return false;
                progress.step("layer " + path.string() + " (" + variant.compression + ") already in " + t.domain +
                              "/" + t.repository + " as " + hint->blob.str() +
                              " (from the last export of this tree): not streamed");
                return true;
            });
    }
    destinations.streamed().stream_from(d.sink, targets, plan.request.stop, progress);
    return d;
}

unsigned threads_or_cores(unsigned threads)
{
    return threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

built_layers build_layers(const export_plan& plan, export_destinations& destinations, plugin::catalog& plugins,
                          progress_listener& progress)
{
    const auto& request = plan.request;
    for (std::size_t o = 0; o < plan.outputs.size(); ++o) destinations.of(plan, o);  // opened in output order
    std::vector<blob_sink> sinks;
    std::vector<push_hint_book> hints;
    std::vector<std::vector<registry::upload_target>> targets;  // [variant]: where its layers are streamed
    for (const auto& variant : plan.variants) {
        sinks.emplace_back(destinations.of(plan, variant.outputs));
        hints.emplace_back(stores_for_hints(plan, variant, destinations));
        targets.push_back(streamed_layers::push_targets(plan, variant));
    }
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
        const auto& variant = plan.variants[jobs[j].variant];
        const auto i = jobs[j].layer;
        const auto& path = request.layers[i].path;
        const auto label = path.string() + " (" + variant.compression + ")";
        throw_if_stopped(request.stop, "before building layer " + path.string());
        // Whatever a build holds (its share of the thread budget) is taken inside `build`: a job
        // waiting in the memo for another export's build of the same layer must hold nothing
        // that build needs.
        auto build = [&](const blob_sink& into) {
            plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, variant.compression));
            // An uncompressed layer is a copy that one thread does: the rest build other layers.
            const auto share = budget->take(codec.media_suffix().empty() ? 1 : budget->size());
            progress.layer_started(j, label);
            auto source = layer::open_layer_source(path, plugins, variant.clamp);
            layer::compression_choice choice{&codec, variant.level, share.threads(), request.stop};
            return layer::build_layer(*source, choice, into, progress, j);
        };
        auto& out = built.variants[jobs[j].variant][i];
        if (!request.shared_layers && !targets[jobs[j].variant].empty()) {
            auto& book = hints[jobs[j].variant];
            auto into = hinted_destination(sinks[jobs[j].variant], targets[jobs[j].variant], plan, variant, path, book,
                                           destinations, progress);
            out = build(into.sink);
            if (auto fingerprint = into.fingerprint.get())
                book.remember(into.hint_key, {*fingerprint, out.blob, out.size});
        } else if (!request.shared_layers) {
            // A layer shared through the memo is built once for several exports: it is not streamed.
            out = build(sinks[jobs[j].variant]);
        } else {
            auto taken = request.shared_layers->internals().obtain(memo_key_of(path, variant), sinks[jobs[j].variant],
                                                                   plugins, request.stop, build);
            if (taken.reused) progress.layer_started(j, label + ", built once and shared");
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
