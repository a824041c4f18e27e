// Manifests through the cache: by digest they never change, so a cached copy (checked against
// its digest) is served to every repository known to hold it (repository_holdings.hpp); by tag they are re-resolved upstream once the tag's record is
// older than the TTL, and the last known manifest is served when the upstream cannot answer.
// Tag records and manifests' media types are kept as store metadata records, so a restarted
// mirror still knows them. Threading: on the mirror's strand only.
#pragma once

#include "mirror/blob_cache.hpp"
#include "mirror/repository_holdings.hpp"
#include "mirror/upstream.hpp"

#include <lading/oci/digest.hpp>
#include <lading/plugin/store.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace lading::mirror {

struct served_manifest {
    std::string bytes;
    std::string media_type;
    lading::digest digest;
};

class manifest_cache {
public:
    manifest_cache(plugin::store& store, blob_cache& blobs, repository_holdings& holdings,
                   std::chrono::seconds tag_ttl, mirror_metrics& metrics, std::function<void(const std::string&)> note);

    // Throws registry_error for the upstream's answers (404...), lading::error otherwise.
    boost::asio::awaitable<served_manifest> get(upstream& from, const std::string& repository,
                                                const std::string& reference);

    // A manifest already in the cache, with its media type.
    std::optional<served_manifest> cached(const digest& d);
    // Stores a manifest the mirror made (or fetched) with its media type.
    void keep(const served_manifest& m);
    // `repository` holds `m` (a variant the mirror made of its content), and so what it lists.
    void vouch(const upstream& from, const std::string& repository, const served_manifest& m);

private:
    struct tag_record {
        lading::digest digest;
        std::string media_type;
        std::int64_t resolved = 0;  // unix seconds
    };

    boost::asio::awaitable<served_manifest> fetch(upstream& from, const std::string& repository,
                                                  const std::string& reference);
    std::optional<tag_record> record(const std::string& key);
    void save(const std::string& key, const tag_record& r);
    std::string media_type_of(const digest& d, const std::string& bytes);
    // lasting: `m` came from the upstream (or is the mirror's own variant), so what it lists is
    // recorded for later runs too.
    void learn_contents(const upstream& from, const std::string& repository, const served_manifest& m, bool lasting);

    plugin::store& store_;
    blob_cache& blobs_;
    repository_holdings& holdings_;
    std::chrono::seconds ttl_;
    mirror_metrics& metrics_;
    std::function<void(const std::string&)> note_;
    std::map<std::string, tag_record> tags_;
};

// An upstream's name as tag records spell it (':' is '_'): two upstreams must not share one.
std::string upstream_record_name(const std::string& upstream_name);
// The metadata key of a tag record: "mirror/tags/<upstream>/<repository>/_tag/<tag>".
std::string tag_record_key(const std::string& upstream_name, const std::string& repository, const std::string& tag);

}  // namespace lading::mirror
