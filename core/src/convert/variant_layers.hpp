// The layers of a variant: every source layer in another compression is re-encoded once,
// however many manifests list it, unless the store recorded its conversion before (the
// records force-compression writes too) and the recorded blob still holds.
#pragma once

#include "convert/source_image.hpp"
#include "layer/conversion_cache.hpp"
#include "plugin/compressor.hpp"

#include <lading/plugin/catalog.hpp>

#include <map>
#include <stop_token>
#include <vector>

namespace lading::plugin {
class store;
}

namespace lading::convert {

struct layer_target {
    const plugin::compressor* codec = nullptr;
    int level = 0;
    unsigned threads = 1;  // compressor threads per layer
};

// The converted form of each of `layers`, by source digest. Conversions run in parallel
// (one job per core, as an export's do); their blobs are committed and recorded only once all
// of them succeeded, so a failure or a stop request leaves the store as it was.
std::map<digest, layer::converted_layer> convert_layers(plugin::store& store, plugin::catalog& plugins,
                                                        const layer_target& target,
                                                        const std::vector<const source_layer*>& layers,
                                                        std::stop_token stop);

}  // namespace lading::convert
