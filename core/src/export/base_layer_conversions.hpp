// Carries out the base-layer conversions an export plan asks for (force-compression):
// takes earlier conversions the stores recorded, re-encodes the rest, and records them.
#pragma once

#include "export/export_destinations.hpp"
#include "export/export_plan.hpp"

#include "layer/conversion_cache.hpp"
#include "layer/layer_builder.hpp"
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>
#include <lading/progress.hpp>

#include <optional>
#include <stop_token>
#include <vector>

namespace lading {

class base_layer_conversions {
public:
    // One entry per plan.conversions; blobs go to the destinations of the outputs using them.
    base_layer_conversions(const export_plan& plan, export_destinations& destinations);

    // Takes conversions recorded in every target store as done; makes the source bytes of the
    // rest readable (a registry base's blobs are fetched into the spool). Returns how many
    // conversions remain for convert().
    std::size_t prepare(progress_listener& progress);

    // Runs the k-th remaining conversion; safe to call for different k in parallel.
    void convert(std::size_t k, plugin::catalog& plugins, unsigned threads, progress_listener& progress,
                 std::size_t progress_id);

    // After every conversion succeeded: commits the blobs and records them in their stores.
    void commit();

    // The converted form of plan.conversions[index] (after prepare and convert).
    const layer::converted_layer& result(std::size_t index) const { return conversions_.at(index).result.value(); }

private:
    struct conversion {
        const base_layer_conversion_plan* plan = nullptr;
        const base_image* base = nullptr;
        std::vector<plugin::store*> stores;
        plugin::store* source_store = nullptr;  // where a fetched source blob waits
        std::optional<layer::built_layer> built;
        std::optional<layer::converted_layer> result;
    };
    export_destinations& destinations_;
    std::stop_token stop_;  // the export's: a conversion ends with it as a layer build does
    std::vector<conversion> conversions_;
    std::vector<conversion*> pending_;
};

}  // namespace lading
