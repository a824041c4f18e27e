// The streams of an export's new layers to the repositories it pushes to (push=true),
// spared where a push hint (push_hints.hpp) shows that a repository holds the layer already.
// The hint only spares the stream: the push still checks the blob really built, so a wrong
// hint costs an upload, never a wrong image.
#pragma once

#include "export/blob_sink.hpp"
#include "export/push_hints.hpp"
#include "export_destinations.hpp"
#include "export_plan.hpp"
#include "layer/layer_builder.hpp"
#include "layer/source_fingerprint.hpp"
#include "registry/streaming_upload.hpp"
#include <lading/progress.hpp>

#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lading {

// Where one layer is built, and what to remember about it once it is.
struct hinted_layer_destination {
    blob_sink sink;
    std::string hint_key;
    std::filesystem::path source;
    // With a hint, the source's fingerprint is taken at once, beside the build (the layer's
    // first bytes wait for the hint's check before they are streamed): `fingerprint`.
    // Without one, it is gathered from the build's own walk of a directory, so no second walk
    // runs: `walked` (pass walked->observer() to the layer source); a tarball's is one stat.
    std::future<std::optional<digest>> fingerprint;
    std::shared_ptr<layer::fingerprint_builder> walked;
};

class hinted_layer_streams {
public:
    hinted_layer_streams(const export_plan& plan, export_destinations& destinations);

    // Whether the layers of plan.variants[variant] go to any repository.
    bool pushed(std::size_t variant) const { return !targets_[variant].empty(); }
    // Where the layer from `source` of that variant is built: `variant_sink`, streaming to
    // every repository it is pushed to but those that hold the blob its hint names.
    hinted_layer_destination destination(std::size_t variant, const blob_sink& variant_sink,
                                         const std::filesystem::path& source, progress_listener& progress) const;
    // Keeps the hint for the next export of the same source.
    void remember(std::size_t variant, hinted_layer_destination& built_into, const layer::built_layer& layer) const;

private:
    const export_plan& plan_;
    export_destinations& destinations_;
    std::vector<std::vector<registry::upload_target>> targets_;  // [variant]
    std::vector<push_hint_book> hints_;                          // [variant]
};

}  // namespace lading
