// Runs one export: checks every output, builds each distinct layer variant once (in
// parallel), renders configs and manifests, and names the image in the stores.
#pragma once

#include <lading/export/export_request.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <vector>

namespace lading {

// One result per output, in the order of request.outputs. Throws usage_error for bad
// parameters (before any work) and lading::error for failures; on any failure no name
// changes and no layer blob is committed.
std::vector<output_result> run_export(const export_request& request, plugin::catalog& plugins,
                                      progress_listener& progress);

}  // namespace lading
