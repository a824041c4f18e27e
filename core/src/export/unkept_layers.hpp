// Layers that a push streams to every repository they go to and that are written nowhere
// else: with store=false the push spool keeps no copy of them, so a push writes its new
// layers once, into the registry, and spares the disk. When a stream fails, the push has
// the layer built again from its source into the spool and uploads it from there. Layer
// builds are deterministic, so the same bytes come back; a source that changed since gives
// another digest, which fails the push before any name is tagged.
#pragma once

#include "export/blob_sink.hpp"
#include "layer/layer_builder.hpp"
#include <lading/oci/digest.hpp>
#include <lading/plugin/store.hpp>
#include <lading/progress.hpp>

#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>

namespace lading {

class unkept_layers {
public:
    // Builds the layer again into a sink, as it was built the first time.
    using rebuild = std::function<layer::built_layer(const blob_sink&)>;

    // Records that blob `d`, the layer `label`, was not kept, and how to make it again.
    void add(const digest& d, std::string label, rebuild again);
    // Makes blob `d` present in `store`, building it again unless it is there: false when
    // `d` is not an unkept layer. Throws lading::error when the build gives another blob,
    // and again on every later call for `d` (several repositories may need it), and
    // errc::interrupted once `stop` was requested. One build runs at a time: each takes every
    // thread of the export's budget.
    bool rebuild_into(const digest& d, plugin::store& store, progress_listener& progress, const std::stop_token& stop);

private:
    struct recipe {
        std::string label;
        rebuild again;
        std::exception_ptr failed;  // the first build's failure, for the calls after it
    };
    std::mutex recipes_mutex_;
    std::map<std::string, recipe> recipes_;
    std::mutex rebuild_mutex_;
};

}  // namespace lading
