// New layers sent to registries while they are built (push=true): each layer of a variant
// is streamed to every repository its outputs push to, while it is also written to the
// stores or the push spool. The push then skips the blobs a repository accepted; a layer
// whose stream failed is uploaded by the push from the store or spool, like any other blob.
#pragma once

#include "export/blob_sink.hpp"
#include "export_plan.hpp"

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
    // Makes every blob begun on `sink` also stream to the repositories `variant`'s outputs
    // push to (nothing when they push nowhere).
    void stream_from(blob_sink& sink, const export_plan& plan, const layer_variant_plan& variant,
                     progress_listener& progress);
    // The blobs that `repository` on the registry `domain` accepted while they were built.
    std::vector<digest> accepted_by(const std::string& domain, const std::string& repository) const;

    void record(const std::string& domain, const std::string& repository, const digest& d);

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::vector<digest>> accepted_;
};

}  // namespace lading
