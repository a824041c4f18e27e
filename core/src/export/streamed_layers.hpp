// New layers sent to registries while they are built (push=true): each layer of a variant
// is streamed to every repository its outputs push to, while it is also written to the
// stores that keep it (none when every output is store=false: unkept_layers.hpp). A layer's
// build does not wait for the registry to accept it: the push does, for each streamed layer,
// while it sends the image's other blobs. It then skips the blobs a repository accepted; a
// layer whose stream failed is uploaded by the push like any other blob, from the store or,
// built again, from the push spool.
#pragma once

#include "export/blob_sink.hpp"
#include "export_plan.hpp"
#include "registry/streaming_upload.hpp"
#include <lading/registry/pusher.hpp>

#include <lading/oci/digest.hpp>

#include <future>
#include <map>
#include <memory>
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
                     holders_future holders = {});
    static constexpr std::size_t hold_limit = 4 << 20;
    // The distinct repositories `variant`'s outputs push to.
    static std::vector<registry::upload_target> push_targets(const export_plan& plan,
                                                             const layer_variant_plan& variant);
    // The blobs streamed to `repository` on the registry `domain`, each with a wait for
    // its stream's outcome.
    std::vector<registry::streamed_blob> streamed_to(const std::string& domain, const std::string& repository) const;

    // Keeps `upload`, closed with blob d, for the push to wait for; one still under way when
    // this object and every wait handed out are gone is abandoned.
    void keep(std::unique_ptr<registry::streaming_upload> upload, const digest& d);

private:
    struct closed_stream {
        digest blob;
        std::shared_ptr<registry::streaming_upload> upload;  // shared with the waits handed out
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::vector<closed_stream>> closed_;
};

}  // namespace lading
