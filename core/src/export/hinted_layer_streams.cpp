#include "export/hinted_layer_streams.hpp"

#include "layer/source_fingerprint.hpp"
#include "registry/blob_presence.hpp"
#include <lading/plugin/store.hpp>

#include <sched.h>

#include <algorithm>

namespace lading {

namespace {

// The stores, with metadata, that keep a variant's layers: its hints live there.
std::vector<plugin::store*> stores_for_hints(const export_plan& plan, const layer_variant_plan& variant,
                                             export_destinations& destinations)
{
    std::vector<plugin::store*> stores;
    for (auto o : variant.outputs)
        if (plan.outputs[o].destination == blob_destination::store)
            if (auto* s = destinations.of(plan, o); s && s->features().metadata) stores.push_back(s);
    return stores;
}

}  // namespace

hinted_layer_streams::hinted_layer_streams(const export_plan& plan, export_destinations& destinations)
    : plan_(plan), destinations_(destinations)
{
    for (const auto& variant : plan.variants) {
        targets_.push_back(streamed_layers::push_targets(plan, variant));
        hints_.emplace_back(stores_for_hints(plan, variant, destinations));
    }
}

hinted_layer_destination hinted_layer_streams::destination(std::size_t v, const blob_sink& variant_sink,
                                                           const std::filesystem::path& source,
                                                           progress_listener& progress) const
{
    const auto& variant = plan_.variants[v];
    hinted_layer_destination d{variant_sink, push_hint_key(source, variant), {}};
    auto targets = targets_[v];
    auto hint = hints_[v].find(d.hint_key);
    if (!hint) {
        d.fingerprint = std::async(std::launch::async, [source] {
            // Only for the next export: it takes the cores the layer's build leaves idle.
            sched_param idle{};
            ::sched_setscheduler(0, SCHED_IDLE, &idle);
            return layer::source_fingerprint(source);
        });
    } else {
        auto now = layer::source_fingerprint(source);
        d.fingerprint = std::async(std::launch::deferred, [now] { return now; });
        if (now == hint->fingerprint)
            std::erase_if(targets, [&](const registry::upload_target& t) {
                if (!registry::repository_has_blob(t, hint->blob, plan_.request.stop)) return false;
                progress.step("layer " + source.string() + " (" + variant.compression + ") already in " + t.domain +
                              "/" + t.repository + " as " + hint->blob.str() +
                              " (from the last export of this tree): not streamed");
                return true;
            });
    }
    destinations_.streamed().stream_from(d.sink, targets, plan_.request.stop, progress);
    return d;
}

void hinted_layer_streams::remember(std::size_t v, hinted_layer_destination& built_into,
                                    const layer::built_layer& layer) const
{
    if (auto fingerprint = built_into.fingerprint.get())
        hints_[v].remember(built_into.hint_key, {*fingerprint, layer.blob, layer.size});
}

}  // namespace lading
