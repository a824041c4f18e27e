// The last stages of an export, once every output is rendered: unpack, name, push.
// Names are bound only after every output is complete and unpacked, so that a failure in
// any output leaves every name as it was.
#pragma once

#include "export_destinations.hpp"
#include "export_plan.hpp"

#include <lading/export/export_request.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <vector>

namespace lading {

// Unpacks the root filesystem of every output with unpack=true that the store names.
void unpack_outputs(const export_plan& plan, const std::vector<output_result>& results,
                    export_destinations& destinations, plugin::catalog& plugins, progress_listener& progress);

// Binds each output's final names to its root in its store, and reports each name bound.
void name_outputs(const export_plan& plan, const std::vector<output_result>& results,
                  export_destinations& destinations, progress_listener& progress);

// Pushes every final name of every output with push=true, all at once.
void push_outputs(const export_plan& plan, const std::vector<output_result>& results,
                  export_destinations& destinations, progress_listener& progress);

}  // namespace lading
