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
    std::optional<int> level;
};

// Converts `original` (a manifest or an index whose blobs are all in `store`): every layer is
// re-encoded (sharing force-compression's conversion records), configs are kept, and every new
// manifest carries `subject` = the manifest it was made from. New blobs and manifests are
// written to `store`; the same input always gives the same root digest, which is returned.
descriptor make_variant(plugin::store& store, plugin::catalog& plugins, const descriptor& original,
                        const variant_request& request, std::stop_token stop = {});

}  // namespace lading::convert
