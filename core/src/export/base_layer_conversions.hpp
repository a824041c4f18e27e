// The base layers an export re-encodes for force-compression: which ones, whether an
// earlier export already converted them (the store's conversion records), and the work.
#pragma once

#include "base/base_image.hpp"
#include "layer/conversion_cache.hpp"
#include "layer/layer_builder.hpp"
#include <lading/export/output_spec.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>
#include <lading/progress.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading {

class base_layer_conversions {
public:
    // Registers every layer of `base` that `spec` (force-compression=true) must convert,
    // with its blob going to `target` (none: hashed only).
    void add(const output_spec& spec, int level, const base_image& base, plugin::store* target,
             plugin::catalog& plugins);

    // Takes conversions recorded in every target store as done; makes the source bytes of the
    // rest readable (a registry base's blobs are fetched into `spool`). Returns how many
    // conversions remain for convert().
    std::size_t prepare(const std::function<plugin::store&()>& spool, progress_listener& progress);

    // Runs the k-th remaining conversion; safe to call for different k in parallel.
    void convert(std::size_t k, plugin::catalog& plugins, unsigned threads, progress_listener& progress,
                 std::size_t progress_id);

    // After every conversion succeeded: commits the blobs and records them in their stores.
    void commit();

    // The converted form of `layer` for this output, or nullptr when it keeps its bytes.
    const layer::converted_layer* find(const output_spec& spec, const descriptor& layer) const;

private:
    struct conversion {
        std::string compression;
        int level = 0;
        const base_image* base = nullptr;
        descriptor source;
        digest diff_id;
        std::vector<plugin::store*> stores;
        plugin::store* source_store = nullptr;  // where a fetched source blob waits
        std::optional<layer::built_layer> built;
        std::optional<layer::converted_layer> result;
    };
    std::map<std::string, conversion> conversions_;
    std::vector<conversion*> pending_;
};

}  // namespace lading
