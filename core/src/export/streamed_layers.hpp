// New layers sent to registries while they are built (push=true): each layer of a variant
// is streamed to every repository its outputs push to, while it is also written to the
// stores or the push spool. The push then skips the blobs a repository accepted; a layer
// whose stream failed is uploaded by the push from the store or spool, like any other blob.
#pragma once

#include "export/blob_sink.hpp"
#include "export_plan.hpp"
#include "registry/streaming_upload.hpp"

#include <lading/oci/digest.hpp>
#include <lading/progress.hpp>

#include <future>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace lading {

// The targets, among a layer's, found to hold the blob the layer is expected to become.
using holders_future = std::shared_future<std::vector<registry::upload_target>>;

class streamed_layers {
public:
    // Makes every blob begun on `sink` also stream to `targets` (nothing when empty). With
    // `holders`, nothing is sent until it is known (the first bytes are held back, up to
    // hold_limit, then the build waits) and the targets it names are left out.
    void stream_from(blob_sink& sink, const std::vector<registry::upload_target>& targets, std::stop_token stop,
                     progress_listener& progress, holders_future holders = {});
    static constexpr std::size_t hold_limit = 4 << 20;
    // The distinct repositories `variant`'s outputs push to.
    static std::vector<registry::upload_target> push_targets(const export_plan& plan,
                                                             const layer_variant_plan& variant);
    // The blobs that `repository` on the registry `domain` accepted while they were built.
    std::vector<digest> accepted_by(const std::string& domain, const std::string& repository) const;

    void record(const std::string& domain, const std::string& repository, const digest& d);

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::vector<digest>> accepted_;
};

}  // namespace lading
