#include "export/base_layer_conversions.hpp"

#include "export/blob_sink.hpp"
#include <lading/error.hpp>
#include "layer/layer_conversion.hpp"
#include "plugin/compressor.hpp"
#include "plugin/media_types.hpp"

namespace lading {

namespace {

std::string key_of(const digest& source, const std::string& compression)
{
    return source.str() + "|" + compression;
}

}  // namespace

void base_layer_conversions::add(const output_spec& spec, int level, const base_image& base, plugin::store* target,
                                 plugin::catalog& plugins)
{
    if (!spec.force_compression) return;
    plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, spec.compression));
    plugin::media_types types(plugins.get(LADING_KIND_MEDIATYPE, spec.media_type_family()));
    for (std::size_t i = 0; i < base.layers.size(); ++i) {
        const auto& layer = base.layers[i];
        if (!layer::needs_conversion(layer, types.base_layer_suffix(layer), codec)) continue;
        if (i >= base.diff_ids.size()) throw error("base image " + base.reference + " lists fewer diffIDs than layers");
        auto& c = conversions_[key_of(layer.digest, spec.compression)];
        if (!c.base) {
            c.compression = spec.compression;
            c.level = level;
            c.base = &base;
            c.source = layer;
            c.diff_id = base.diff_ids[i];
        }
        if (target && std::find(c.stores.begin(), c.stores.end(), target) == c.stores.end()) c.stores.push_back(target);
    }
}

std::size_t base_layer_conversions::prepare(const std::function<plugin::store&()>& spool,
                                            progress_listener& progress)
{
    for (auto& [key, c] : conversions_) {
        std::optional<layer::converted_layer> recorded;
        for (auto* s : c.stores) {
            auto found = layer::find_conversion(*s, c.source.digest, c.compression);
            if (!found || (recorded && recorded->blob != found->blob)) {
                recorded.reset();
                break;
            }
            recorded = found;
        }
        if (recorded) {
            progress.step("base layer " + c.source.digest.str() + " → " + c.compression + ": converted earlier, " +
                          recorded->blob.str());
            c.result = std::move(recorded);
            continue;
        }
        // Registry blobs are fetched here, one at a time, so that the parallel conversions
        // only read local files.
        if (!c.base->open_local_blob) {
            c.source_store = &spool();
            c.base->copy_blob(c.source, *c.source_store);
        }
        pending_.push_back(&c);
    }
    return pending_.size();
}

void base_layer_conversions::convert(std::size_t k, plugin::catalog& plugins, unsigned threads,
                                     progress_listener& progress, std::size_t progress_id)
{
    auto& c = *pending_.at(k);
    plugin::compressor codec(plugins.get(LADING_KIND_COMPRESSOR, c.compression));
    progress.layer_started(progress_id, "base layer " + c.source.digest.str() + " (" + c.source.media_type + " → " +
                                            c.compression + ")");
    auto blob = c.source_store ? c.source_store->open_blob(c.source.digest) : c.base->open_local_blob(c.source.digest);
    layer::compression_choice choice{&codec, c.level, threads};
    c.built = layer::convert_layer(std::move(blob), c.source, c.diff_id, plugins, choice, blob_sink(c.stores), progress,
                                   progress_id);
    c.result = layer::converted_layer{c.built->blob, c.built->size, c.built->diff_id, c.built->media_suffix,
                                      c.built->annotations};
    progress.layer_done(progress_id, c.built->blob, c.built->size);
}

void base_layer_conversions::commit()
{
    for (auto* c : pending_) {
        c->built->pending->commit(c->built->blob);
        for (auto* s : c->stores) layer::remember_conversion(*s, c->source.digest, c->compression, *c->result);
    }
}

const layer::converted_layer* base_layer_conversions::find(const output_spec& spec, const descriptor& layer) const
{
    if (!spec.force_compression) return nullptr;
    auto it = conversions_.find(key_of(layer.digest, spec.compression));
    return it == conversions_.end() || !it->second.result ? nullptr : &*it->second.result;
}

}  // namespace lading
