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

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace lading {

class streamed_layers {
public:
    // Makes every blob begun on `sink` also stream to `targets` (nothing when empty).
    void stream_from(blob_sink& sink, const std::vector<registry::upload_target>& targets, std::stop_token stop,
                     progress_listener& progress);
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
