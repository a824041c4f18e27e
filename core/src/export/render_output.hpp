// The render stage: each output's configs and manifests, its attestation manifests and its
// index, written to the output's blob destination, and the final names of its root.
#pragma once

#include "build_layers.hpp"
#include "export_destinations.hpp"
#include "export_plan.hpp"

#include "attestation/export_attestations.hpp"
#include <lading/export/export_request.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <cstdint>
#include <vector>

namespace lading {

struct render_times {
    std::int64_t started;  // when the export started (provenance)
    std::int64_t now;      // the creation time of an output without SOURCE_DATE_EPOCH
};

// One result per output, in the order of plan.outputs.
std::vector<output_result> render_outputs(const export_plan& plan, const built_layers& layers,
                                          const attestation::export_attestations& attestations,
                                          export_destinations& destinations, plugin::catalog& plugins,
                                          progress_listener& progress, const render_times& times);

}  // namespace lading
