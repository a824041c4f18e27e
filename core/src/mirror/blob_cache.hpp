// The mirror's content-addressed cache in a store plugin: blobs served from it, misses
// fetched from the upstream once however many clients ask at the same time (each reads the
// download as it arrives), digests checked before anything is committed or served, and
// least-recently-used blobs evicted to stay under a size cap.
// Threading: on the mirror's strand only.
#pragma once

#include "mirror/blob_fill.hpp"
#include "mirror/cached_file.hpp"
#include "mirror/mirror_metrics.hpp"
#include "mirror/repository_holdings.hpp"
#include "mirror/upstream.hpp"
#include "mirror/wake_signal.hpp"

#include <lading/oci/digest.hpp>
#include <lading/plugin/store.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace lading::mirror {

// Where a client reads a blob from: exactly one of the two is set.
struct blob_handle {
    std::shared_ptr<cached_file> file;  // committed in the cache
    std::shared_ptr<blob_fill> fill;    // on its way from the upstream
    std::uint64_t size() const { return file ? file->size() : fill->size(); }
};

// What a HEAD answers about a blob.
struct blob_facts {
    std::uint64_t size = 0;
    std::string media_type;
};

class blob_cache {
public:
    blob_cache(boost::asio::any_io_executor ex, plugin::store& store, std::optional<std::uint64_t> max_size,
               mirror_metrics& metrics, repository_holdings& holdings);

    // The blob from the cache (checked against its digest once per run), else from the
    // download under way, else from a new download of /v2/<repository>/blobs/<d>. Cached
    // bytes and another request's download serve only a repository known to hold the blob
    // (repository_holdings.hpp), else the upstream's HEAD there decides. Throws
    // registry_error for the upstream's answers (404...), lading::error otherwise.
    boost::asio::awaitable<blob_handle> open(upstream& from, const std::string& repository, const digest& d);

    // The blob's size and type without its bytes: from the cache, the download under way, or
    // the upstream's HEAD (whose size is remembered for a later download). Nothing is fetched
    // or written. Throws as open() does.
    boost::asio::awaitable<blob_facts> head(upstream& from, const std::string& repository, const digest& d);

    // Sizes learnt from a manifest of `repository` on `from`, so that a miss there needs no
    // HEAD before its download. Only requests for that repository of that upstream use it (a
    // manifest cannot set the size another repository's blob is served with), and a download
    // that fails forgets it.
    void remember_size(const upstream& from, const std::string& repository, const digest& d, std::uint64_t size);

    // Small blobs (manifests), read whole and checked against their digest every time.
    std::optional<std::string> read_small(const digest& d);
    void put_small(const digest& d, std::string_view bytes);

    std::uint64_t total_size() const { return total_; }

private:
    struct fill_slot {
        explicit fill_slot(boost::asio::any_io_executor ex) : ready(std::move(ex)) {}
        std::shared_ptr<blob_fill> fill;
        std::string failure;
        std::optional<unsigned> failure_status;
        std::error_code failure_code;
        bool settled = false;
        wake_signal ready;
    };
    struct entry {
        std::uint64_t size;
        std::list<digest>::iterator recency;
    };

    boost::asio::awaitable<std::shared_ptr<cached_file>> committed(const digest& d);
    boost::asio::awaitable<std::shared_ptr<cached_file>> open_cached(const digest& d);
    boost::asio::awaitable<std::shared_ptr<blob_fill>> joined(std::shared_ptr<fill_slot> slot);
    [[noreturn]] void rethrow_failure(const fill_slot& slot);
    // The upstream's HEAD of the blob in `repository`; without a Content-Length the size is
    // one learnt before, else 0 when not `size_needed`, else an error.
    boost::asio::awaitable<blob_facts> upstream_head(upstream& from, const std::string& repository, const digest& d,
                                                     bool size_needed = true);
    bool present(const digest& d);  // committed or on its way, checked or not
    boost::asio::awaitable<void> check_held(upstream& from, const std::string& repository, const digest& d);
    boost::asio::awaitable<std::uint64_t> upstream_size(upstream& from, const std::string& repository, const digest& d);
    boost::asio::awaitable<void> download(std::shared_ptr<fill_slot> slot, upstream& from, std::string repository,
                                          digest d);
    void store_spooled(const blob_fill& fill, const digest& d, const std::optional<std::filesystem::path>& target);
    void load_index();
    void add(const digest& d, std::uint64_t size);
    void touch(const digest& d);
    void forget(const digest& d);
    void evict_beyond_cap(const digest& keep);

    boost::asio::any_io_executor ex_;
    plugin::store& store_;
    std::filesystem::path spool_dir_;
    std::optional<std::uint64_t> max_size_;
    mirror_metrics& metrics_;
    repository_holdings& holdings_;
    std::map<digest, std::shared_ptr<fill_slot>> fills_;
    std::map<digest, entry> index_;
    std::list<digest> recency_;  // least recently used first
    std::set<digest> verified_;  // checked (or committed) during this run
    using size_key = std::pair<std::string, digest>;  // "<upstream name>/<repository>", blob
    static size_key key_of(const upstream& from, const std::string& repository, const digest& d);
    std::map<size_key, std::uint64_t> known_sizes_;
    std::uint64_t total_ = 0;
    // Where a verified download is put into the store and made durable (fsync), so the strand
    // goes on serving meanwhile.
    boost::asio::thread_pool durability_{1};
};

}  // namespace lading::mirror
