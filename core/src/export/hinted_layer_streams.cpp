#include "export/hinted_layer_streams.hpp"

#include "layer/source_fingerprint.hpp"
#include "registry/blob_presence.hpp"
#include <lading/plugin/store.hpp>

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
    hinted_layer_destination d{variant_sink, push_hint_key(source, variant), source, {}, {}};
    const auto& targets = targets_[v];
    auto hint = hints_[v].find(d.hint_key);
    if (!hint) {
        d.walked = std::make_shared<layer::fingerprint_builder>();
        destinations_.streamed().stream_from(d.sink, targets, plan_.request.stop);
        return d;
    }
    // The hint is checked while the layer's build starts: its first bytes wait for the answer.
    std::promise<std::optional<digest>> fingerprint;
    d.fingerprint = fingerprint.get_future();
    holders_future holders =
        std::async(std::launch::async, [fingerprint = std::move(fingerprint), hint = *hint, targets, source,
                                        label = source.string() + " (" + variant.compression + ")",
                                        stop = plan_.request.stop, &progress]() mutable {
            std::optional<digest> now;
            try {
                now = layer::source_fingerprint(source);
            } catch (const std::exception&) {
            }
            fingerprint.set_value(now);
            std::vector<registry::upload_target> holding;
            if (now != hint.fingerprint) return holding;
            for (const auto& t : targets)
                if (registry::repository_has_blob(t, hint.blob, hint.size, stop)) {
                    progress.step("layer " + label + " already in " + t.domain + "/" + t.repository + " as " +
                                  hint.blob.str() + " (from the last export of this tree): not streamed");
                    holding.push_back(t);
                }
            return holding;
        }).share();
    destinations_.streamed().stream_from(d.sink, targets, plan_.request.stop, std::move(holders));
    return d;
}

void hinted_layer_streams::remember(std::size_t v, hinted_layer_destination& built_into,
                                    const layer::built_layer& layer) const
{
    std::optional<digest> fingerprint;
    if (built_into.fingerprint.valid())
        fingerprint = built_into.fingerprint.get();
    else if (built_into.walked)
        // The build's walk is over: its source was closed when the layer was.
        if (fingerprint = built_into.walked->finish(); !fingerprint) fingerprint = layer::source_fingerprint(built_into.source);
    if (fingerprint) hints_[v].remember(built_into.hint_key, {*fingerprint, layer.blob, layer.size});
}

}  // namespace lading
