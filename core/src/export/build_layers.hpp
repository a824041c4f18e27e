// The first stages of an export: every new layer built once per variant and every planned
// base-layer conversion, in parallel; then, once all succeeded, the blobs made durable and
// the kept base layers copied where the outputs need them.
#pragma once

#include "export/base_layer_conversions.hpp"
#include "export_destinations.hpp"
#include "export_plan.hpp"

#include "layer/layer_builder.hpp"
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <vector>

namespace lading {

struct built_layers {
    std::vector<std::vector<layer::built_layer>> variants;  // [variant][request layer]
    base_layer_conversions conversions;
};

// Nothing is committed: on failure the stores hold nothing new.
built_layers build_layers(const export_plan& plan, export_destinations& destinations, plugin::catalog& plugins,
                          progress_listener& progress);

// Commits every layer blob and conversion, then copies the kept base layers into the
// destinations that hold the image.
void commit_layers(const export_plan& plan, built_layers& layers, export_destinations& destinations);

}  // namespace lading
