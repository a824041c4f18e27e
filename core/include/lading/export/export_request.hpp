// Everything one `lading export` asks for: the layers, the image settings, the outputs.
#pragma once

#include <lading/attestation/attest_option.hpp>
#include <lading/oci/descriptor.hpp>
#include <lading/host_config.hpp>
#include <lading/oci/image_config.hpp>
#include <lading/export/output_spec.hpp>
#include <lading/export/thread_budget.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <stop_token>
#include <vector>

namespace lading {

class layer_memo;
namespace registry {
class blob_transfers;
class greetings;
}

// A --layer: a path, for every platform or (PLATFORM=PATH) for one platform only.
struct layer_input {
    std::filesystem::path path;
    std::optional<lading::platform> only;
};

struct export_request {
    std::vector<layer_input> layers;  // stacked in this order
    std::vector<lading::platform> platforms;  // --platform list; empty: the base's or this machine's
    image_settings settings;
    std::string from;             // --from: "scratch", oci-layout://..., or a registry reference
    std::optional<std::int64_t> source_date_epoch;  // --source-date-epoch or $SOURCE_DATE_EPOCH
    std::vector<output_spec> outputs;
    // --attest: statements attached to every image; with any, the root is always an index.
    std::vector<attestation::attest_option> attestations;
    std::filesystem::path store_location;
    // --store as given, "" without it: where a store that is not a directory (containerd)
    // is reached; without it such a store looks where its plugin looks by default.
    std::string daemon_store_address;
    // The threads layers and conversions compress with: `budget` when set (exports running
    // side by side may share one), else a budget of `threads` (0: one per core) for this
    // export alone.
    unsigned threads = 0;
    std::shared_ptr<thread_budget> budget;
    host_config hosts;
    // A stop request ends the export between stages, while a layer is being compressed, and
    // during the registry push (see registry::push_images); the export then throws
    // lading::error with registry::errc::interrupted. Base image reads run to their end.
    std::stop_token stop;
    // Exports carrying the same memo compress a layer they share once (see layer_memo.hpp);
    // none: every layer is built by this export.
    std::shared_ptr<layer_memo> shared_layers;
    // Exports carrying the same table push a blob they send to one repository once (see
    // registry/blob_transfers.hpp); none: this export's pushes share a table of their own.
    std::shared_ptr<registry::blob_transfers> shared_pushes;
    // Exports carrying the same greetings greet each registry once (see
    // registry/greetings.hpp); none: this export's sessions share greetings of their own.
    std::shared_ptr<registry::greetings> shared_greetings;
};

// What one output produced, with BuildKit's exporter response keys.
struct output_result {
    descriptor root;                 // the manifest (or index) every name points at
    digest config;                   // single-platform exports only
    std::vector<std::string> names;  // final names, dangling and canonical ones included
    bool pushed = false;             // the names are in their registries (push=true)
};

}  // namespace lading
