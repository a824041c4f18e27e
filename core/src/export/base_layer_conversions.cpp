#include "export/base_layer_conversions.hpp"

#include "export/blob_sink.hpp"
#include <lading/error.hpp>
#include "layer/layer_conversion.hpp"
#include "plugin/compressor.hpp"

namespace lading {

base_layer_conversions::base_layer_conversions(const export_plan& plan, export_destinations& destinations)
    : destinations_(destinations), stop_(plan.request.stop)
{
    for (const auto& c : plan.conversions)
        conversions_.push_back({&c, &*plan.platforms.at(c.platform).base, destinations.of(plan, c.outputs), nullptr,
                                std::nullopt, std::nullopt});
}

std::size_t base_layer_conversions::prepare(progress_listener& progress)
{
    for (auto& c : conversions_) {
        const auto& source = c.plan->source;
        std::optional<layer::converted_layer> recorded;
        for (auto* s : c.stores) {
            auto found = layer::find_conversion(*s, source.digest, c.plan->compression, c.plan->level);
            if (!found || (recorded && recorded->blob != found->blob)) {
                recorded.reset();
                break;
            }
            recorded = found;
        }
        if (recorded) {
            progress.step("base layer " + source.digest.str() + " → " + c.plan->compression + ": converted earlier, " +
                          recorded->blob.str());
            c.result = std::move(recorded);
            continue;
        }
        // Registry blobs are fetched here, one at a time, so that the parallel conversions
        // only read local files.
        if (!c.base->open_local_blob) {
            c.source_store = destinations_.spool();
            c.base->copy_blob(source, *c.source_store);
        }
        pending_.push_back(&c);
    }
    return pending_.size();
}

void base_layer_conversions::convert(std::size_t k, plugin::catalog& plugins, unsigned threads,
                                     progress_listener& progress, std::size_t progress_id)
{
    auto& c = *pending_.at(k);
    const auto& source = c.plan->source;
    plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, c.plan->compression));
    progress.layer_started(progress_id, "base layer " + source.digest.str() + " (" + source.media_type + " → " +
                                            c.plan->compression + ")");
    auto blob = c.source_store ? c.source_store->open_blob(source.digest) : c.base->open_local_blob(source.digest);
    layer::compression_choice choice{&codec, c.plan->level, threads, stop_};
    c.built = layer::convert_layer(std::move(blob), source, c.plan->diff_id, plugins, choice, blob_sink(c.stores),
                                   progress, progress_id);
    c.result = layer::converted_layer{c.built->blob, c.built->size, c.built->diff_id, c.built->media_suffix,
                                      c.built->annotations};
    progress.layer_done(progress_id, c.built->blob, c.built->size);
}

void base_layer_conversions::commit()
{
    for (auto* c : pending_) {
        c->built->pending->commit(c->built->blob);
        for (auto* s : c->stores)
            layer::remember_conversion(*s, c->plan->source.digest, c->plan->compression, c->plan->level, *c->result);
    }
}

}  // namespace lading
