// `--variant COMPRESSION[:SUFFIX]`: a tag `TAG-SUFFIX` names the upstream's `TAG` re-encoded
// with another compressor (convert::make_variant). Every blob of the original is brought into
// the cache first; the conversion runs off the strand, once per original digest and
// compression however many clients ask, and its result is recorded in the store, so the
// same upstream digest always gives the same variant.
// Threading: on the mirror's strand only (the conversion itself runs on its own thread).
#pragma once

#include "mirror/blob_cache.hpp"
#include "mirror/manifest_cache.hpp"
#include "mirror/wake_signal.hpp"

#include <lading/mirror/mirror_server.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

namespace lading::mirror {

struct variant_ask {
    std::string original_tag;
    const variant_config* variant = nullptr;
};

class variant_tags {
public:
    variant_tags(std::vector<variant_config> variants, plugin::store& cache, plugin::catalog& plugins,
                 blob_cache& blobs, manifest_cache& manifests, boost::asio::any_io_executor ex);
    ~variant_tags();

    // The variant a tag names, when it ends with a configured suffix.
    std::optional<variant_ask> parse(const std::string& tag) const;
    boost::asio::awaitable<served_manifest> get(upstream& from, const std::string& repository, variant_ask ask);
    // The variants made of `original` that the cache holds whole, as descriptors for its
    // referrers (each names the original as its subject): mediaType, digest, size,
    // artifactType (the manifest's, else its config's media type) and annotations.
    std::vector<boost::json::object> referrers_of(const digest& original);

private:
    // Every blob `m` reaches, each once (`fetched` holds the digests already seen: an index
    // may list one manifest many times), at most four indexes deep.
    boost::asio::awaitable<void> fetch_all_blobs(upstream& from, const std::string& repository,
                                                 const served_manifest& m, std::set<digest>& fetched, int depth);
    boost::asio::awaitable<served_manifest> convert(const served_manifest& original, const variant_config& v);
    // Whether every blob a variant made earlier reaches is still in the cache: eviction may
    // have taken some, and the upstream does not have them.
    bool complete(const served_manifest& variant);
    bool complete(const served_manifest& variant, std::set<digest>& checked);

    std::vector<variant_config> variants_;
    plugin::store& cache_;
    plugin::catalog& plugins_;
    blob_cache& blobs_;
    manifest_cache& manifests_;
    boost::asio::any_io_executor ex_;
    // Asked to stop when the mirror goes away, so shutting down does not wait for a whole
    // conversion to finish.
    std::stop_source stopping_;
    boost::asio::thread_pool converter_{1};
    std::map<std::string, std::shared_ptr<wake_signal>> converting_;  // "<digest>/<compression>"
};

// "zstd" -> {zstd, "-zstd"}; "estargz:-esgz" -> {estargz, "-esgz"}. Throws lading::usage_error.
variant_config parse_variant_option(const std::string& text);

}  // namespace lading::mirror
