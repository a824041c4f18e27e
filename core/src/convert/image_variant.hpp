// An image re-encoded with another compression, kept beside the original: what lading-mirror
// serves as `REPO:TAG-zstd` and the like. The original's digests are never changed.
#pragma once

#include <lading/oci/descriptor.hpp>

#include <optional>
#include <stop_token>
#include <string>

namespace lading::plugin {
class catalog;
class store;
}  // namespace lading::plugin

namespace lading::convert {

struct variant_request {
    std::string compression;  // a compressor plugin's name: zstd, estargz, gzip, uncompressed...
    std::optional<int> level;  // the compressor's default when unset
    unsigned threads = 0;      // compressor threads per layer, as export's; 0: one per core
};

// Converts `original` (a manifest or an index whose blobs are all in `store`): every layer is
// re-encoded (sharing force-compression's conversion records), configs are kept unless a
// diffID changes (estargz), and every new manifest and index carries `subject` = the one it
// was made from. Variants always have OCI media types, whatever the original's; an index
// original gives an index of variant manifests without its attestation manifests (they stay
// with the original, which the subjects name). New blobs and manifests are written to
// `store`, nothing is named; the same input always gives the same root digest, which is
// returned. Concurrent calls are safe; those in one process for the same store, original and
// compression run one after the other, the later ones reusing the first's layers. Throws lading::usage_error for an unknown compressor or a level out of its range,
// lading::error otherwise; a stop request ends it with std::errc::operation_canceled.
// Checks a request before any image is at hand (a server's --variant options at start-up):
// throws lading::usage_error naming the compressors available when there is none of that
// name, or the range when the level is outside it; lading::error when OCI media types cannot
// name the compressor's layers.
void check_variant_request(plugin::catalog& plugins, const variant_request& request);

descriptor make_variant(plugin::store& store, plugin::catalog& plugins, const descriptor& original,
                        const variant_request& request, std::stop_token stop = {});

}  // namespace lading::convert
