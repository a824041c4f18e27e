#include "mirror/blob_cache.hpp"

#include "posix/big_file_directory.hpp"

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <sys/stat.h>
#include <vector>

namespace lading::mirror {

namespace asio = boost::asio;

namespace {

constexpr std::size_t known_sizes_limit = 100000;

// (A coroutine of its own: its parameters are copied into its frame, which g++ 12 gets right
// where a lambda coroutine's captures are destroyed twice.)
asio::awaitable<bool> hashes_to(std::shared_ptr<cached_file> file, digest d) { co_return file->matches(d); }

std::filesystem::path spool_dir_for(plugin::store& store)
{
    if (auto root = store.local_root()) return *root;
    return big_file_directory();
}

}  // namespace

blob_cache::blob_cache(asio::any_io_executor ex, plugin::store& store, std::optional<std::uint64_t> max_size,
                       mirror_metrics& metrics, repository_holdings& holdings)
    : ex_(std::move(ex)), store_(store), spool_dir_(spool_dir_for(store)), max_size_(max_size), metrics_(metrics),
      holdings_(holdings)
{
    load_index();
}

// The blobs a previous run left, oldest file first, so that eviction starts with them.
void blob_cache::load_index()
{
    if (!store_.features().contents) return;
    std::vector<std::pair<std::int64_t, plugin::store_content>> blobs;
    for (auto& c : store_.contents()) {
        if (c.kind != plugin::content_kind::blob) continue;
        auto d = digest::parse(c.name);
        if (!d) continue;
        std::int64_t mtime = 0;
        struct stat st {};
        if (auto path = store_.blob_path(*d); path && ::stat(path->c_str(), &st) == 0) mtime = st.st_mtim.tv_sec;
        blobs.emplace_back(mtime, c);
    }
    std::stable_sort(blobs.begin(), blobs.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [mtime, c] : blobs) add(*digest::parse(c.name), c.size);
}

void blob_cache::add(const digest& d, std::uint64_t size)
{
    if (index_.count(d)) return touch(d);
    recency_.push_back(d);
    index_.emplace(d, entry{size, std::prev(recency_.end())});
    total_ += size;
    metrics_.cache_bytes = total_;
}

void blob_cache::touch(const digest& d)
{
    auto it = index_.find(d);
    if (it == index_.end()) return;
    recency_.splice(recency_.end(), recency_, it->second.recency);
}

void blob_cache::forget(const digest& d)
{
    auto it = index_.find(d);
    if (it == index_.end()) return;
    total_ -= it->second.size;
    recency_.erase(it->second.recency);
    index_.erase(it);
    verified_.erase(d);
    metrics_.cache_bytes = total_;
}

// Blobs are removed through their file, which only a backend that names blob files allows;
// clients still reading an evicted blob keep their open descriptor.
void blob_cache::evict_beyond_cap(const digest& keep)
{
    if (!max_size_) return;
    auto it = recency_.begin();
    while (total_ > *max_size_ && it != recency_.end()) {
        auto d = *it++;
        if (d == keep) continue;
        auto path = store_.blob_path(d);
        if (!path) return;
        std::error_code ec;
        std::filesystem::remove(*path, ec);
        if (ec) continue;
        forget(d);
        ++metrics_.evictions;
    }
}

blob_cache::size_key blob_cache::key_of(const upstream& from, const std::string& repository, const digest& d)
{
    return {from.name() + "/" + repository, d};
}

void blob_cache::remember_size(const upstream& from, const std::string& repository, const digest& d, std::uint64_t size)
{
    if (known_sizes_.size() >= known_sizes_limit) known_sizes_.clear();
    known_sizes_[key_of(from, repository, d)] = size;
}

asio::awaitable<std::shared_ptr<cached_file>> blob_cache::open_cached(const digest& d)
{
    auto file = cached_file::open(store_, d);
    if (!file) {
        forget(d);
        co_return nullptr;
    }
    if (!verified_.count(d)) {
        // A blob from an earlier run (or changed on disk since) is served only once checked,
        // on the durability thread: a large one takes seconds, and the strand serves meanwhile.
        const bool intact = co_await asio::co_spawn(durability_, hashes_to(file, d), asio::use_awaitable);
        if (!intact) {
            if (auto path = store_.blob_path(d)) std::filesystem::remove(*path);
            forget(d);
            co_return nullptr;
        }
        verified_.insert(d);
    }
    add(d, file->size());
    touch(d);
    co_return file;
}

// A committed blob that no download is replacing, checked against its digest.
asio::awaitable<std::shared_ptr<cached_file>> blob_cache::committed(const digest& d)
{
    if (fills_.count(d) || (!index_.count(d) && !store_.blob_size(d))) co_return nullptr;
    co_return co_await open_cached(d);
}

[[noreturn]] void blob_cache::rethrow_failure(const fill_slot& slot)
{
    if (slot.failure_status) throw registry::registry_error(slot.failure, *slot.failure_status);
    throw error(slot.failure_code, slot.failure);
}

// The download another request started, once it knows its size.
asio::awaitable<std::shared_ptr<blob_fill>> blob_cache::joined(std::shared_ptr<fill_slot> slot)
{
    while (!slot->settled) co_await slot->ready.wait();
    if (!slot->fill) rethrow_failure(*slot);
    co_return slot->fill;
}

asio::awaitable<blob_facts> blob_cache::upstream_head(upstream& from, const std::string& repository, const digest& d,
                                                      bool size_needed)
{
    registry::request_spec spec;
    spec.method = registry::http::verb::head;
    spec.target = "/v2/" + repository + "/blobs/" + d.str();
    spec.scopes = {"repository:" + repository + ":pull"};
    spec.expected = {200};
    spec.what = "blob " + d.str() + " of " + from.host() + "/" + repository;
    auto r = co_await from.send(spec);
    if (auto named = digest::parse(r.header("Docker-Content-Digest")); named && *named != d)
        throw error(registry::errc::protocol_violation, spec.what + ": the upstream names another digest");
    auto text = r.header(registry::http::field::content_length);
    std::uint64_t size = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size);
    holdings_.note(from, repository, d);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        auto known = known_sizes_.find(key_of(from, repository, d));
        if (known == known_sizes_.end() && size_needed)
            throw error(registry::errc::protocol_violation, spec.what + ": the upstream gives no Content-Length");
        if (known != known_sizes_.end()) size = known->second;
    } else {
        remember_size(from, repository, d, size);
    }
    blob_facts facts{size, r.header(registry::http::field::content_type)};
    if (facts.media_type.empty()) facts.media_type = "application/octet-stream";
    co_return facts;
}

asio::awaitable<std::uint64_t> blob_cache::upstream_size(upstream& from, const std::string& repository, const digest& d)
{
    if (auto known = known_sizes_.find(key_of(from, repository, d)); known != known_sizes_.end()) co_return known->second;
    co_return (co_await upstream_head(from, repository, d)).size;
}

// Before cached bytes or another request's download serve `repository`: held there, or the
// upstream says so (only whether, not the size, which the cache knows).
asio::awaitable<void> blob_cache::check_held(upstream& from, const std::string& repository, const digest& d)
{
    if (holdings_.holds(from, repository, d)) co_return;
    std::exception_ptr failure;
    try {
        co_await upstream_head(from, repository, d, false);
        co_return;
    } catch (...) {
        failure = std::current_exception();
    }
    ++metrics_.upstream_errors;
    std::rethrow_exception(failure);
}

bool blob_cache::present(const digest& d) { return fills_.count(d) || index_.count(d) || store_.blob_size(d); }

asio::awaitable<blob_facts> blob_cache::head(upstream& from, const std::string& repository, const digest& d)
{
    // Whether the repository holds it is settled before the cache is looked at more closely.
    if (present(d)) co_await check_held(from, repository, d);
    auto file = co_await committed(d);
    if (file) {
        ++metrics_.cache_hits;
        co_return blob_facts{file->size(), "application/octet-stream"};
    }
    if (auto found = fills_.find(d); found != fills_.end()) {
        auto fill = co_await joined(found->second);
        co_return blob_facts{fill->size(), "application/octet-stream"};
    }
    std::exception_ptr failure;
    try {
        co_return co_await upstream_head(from, repository, d);
    } catch (...) {
        failure = std::current_exception();
    }
    ++metrics_.upstream_errors;
    std::rethrow_exception(failure);
}

asio::awaitable<blob_handle> blob_cache::open(upstream& from, const std::string& repository, const digest& d)
{
    if (present(d)) co_await check_held(from, repository, d);
    auto file = co_await committed(d);
    if (file) {
        ++metrics_.cache_hits;
        co_return blob_handle{file, nullptr};
    }
    ++metrics_.cache_misses;
    if (auto found = fills_.find(d); found != fills_.end()) {
        auto fill = co_await joined(found->second);
        co_return blob_handle{nullptr, fill};
    }
    auto slot = std::make_shared<fill_slot>(ex_);
    fills_.emplace(d, slot);
    try {
        auto size = co_await upstream_size(from, repository, d);
        slot->fill = std::make_shared<blob_fill>(ex_, spool_dir_, size);
    } catch (const registry::registry_error& e) {
        slot->failure = e.what();
        slot->failure_status = e.status();
    } catch (const error& e) {
        slot->failure = e.what();
        slot->failure_code = e.code();
    } catch (const std::exception& e) {
        slot->failure = e.what();
    }
    slot->settled = true;
    slot->ready.notify_all();
    if (!slot->fill) {
        fills_.erase(d);
        ++metrics_.upstream_errors;
        rethrow_failure(*slot);
    }
    ++metrics_.fills_in_flight;
    asio::co_spawn(ex_, download(slot, from, repository, d), asio::detached);
    co_return blob_handle{nullptr, slot->fill};
}

// The bytes are hashed and spooled as they arrive; the store gets them once they are verified.
asio::awaitable<void> blob_cache::download(std::shared_ptr<fill_slot> slot, upstream& from, std::string repository,
                                           digest d)
{
    auto& fill = *slot->fill;
    const auto size = fill.size();
    try {
        sha256_hasher hash;
        // A download that breaks off is retried from the start; bytes already passed on are
        // skipped, so the spool sees the blob once.
        std::uint64_t delivered = 0, position = 0;
        registry::body_consumer consume = [&](const std::uint8_t* p, std::size_t n) {
            const std::uint64_t end = position + n;
            if (end > size) throw error("the upstream sends more than the blob's " + std::to_string(size) + " bytes");
            if (end > delivered) {
                const auto skip = static_cast<std::size_t>(delivered > position ? delivered - position : 0);
                std::span<const std::uint8_t> fresh(p + skip, n - skip);
                hash.update(fresh);
                fill.append(fresh);
                metrics_.bytes_from_upstream += fresh.size();
                delivered = end;
            }
            position = end;
        };
        std::function<void()> restart = [&] { position = 0; };
        registry::request_spec spec;
        spec.target = "/v2/" + repository + "/blobs/" + d.str();
        spec.scopes = {"repository:" + repository + ":pull"};
        spec.expected = {200};
        spec.what = "blob " + d.str() + " of " + from.host() + "/" + repository;
        spec.consume = &consume;
        spec.on_attempt = &restart;
        co_await from.send(spec);
        if (hash.bytes() != size || hash.finish() != d)
            throw error(registry::errc::protocol_violation,
                        spec.what + " arrived with other content than its digest says");
        fill.verified();
        holdings_.note(from, repository, d);
        const auto target = store_.blob_path(d);
        co_await asio::co_spawn(
            durability_, [&]() -> asio::awaitable<void> { store_spooled(fill, d, target); co_return; },
            asio::use_awaitable);
        verified_.insert(d);
        add(d, size);
        evict_beyond_cap(d);
        fill.committed();
    } catch (const std::exception& e) {
        ++metrics_.upstream_errors;
        known_sizes_.erase(key_of(from, repository, d));  // the next attempt asks the upstream
        fill.fail(e.what());
    }
    --metrics_.fills_in_flight;
    if (auto it = fills_.find(d); it != fills_.end() && it->second == slot) fills_.erase(it);
}

// On the durability thread: the spool file becomes the blob's file where the store keeps
// blobs as files on its filesystem, else its bytes are copied through the store's writer.
void blob_cache::store_spooled(const blob_fill& fill, const digest& d, const std::optional<std::filesystem::path>& target)
{
    if (target && fill.link_as(*target)) return;
    auto writer = store_.begin_blob();
    std::vector<std::uint8_t> chunk(1 << 20);
    for (std::uint64_t at = 0; at < fill.size();) {
        auto n = fill.read_at(at, chunk);
        if (n == 0) throw error("the spool file of " + d.str() + " ended early");
        writer->write(std::span(chunk.data(), n));
        at += n;
    }
    writer->commit(d);
}

std::optional<std::string> blob_cache::read_small(const digest& d)
{
    if (!store_.blob_size(d)) return std::nullopt;
    auto bytes = store_.read_small_blob(d, 4 << 20);
    if (digest::of(bytes) != d) {
        if (auto path = store_.blob_path(d)) std::filesystem::remove(*path);
        forget(d);
        return std::nullopt;
    }
    add(d, bytes.size());
    touch(d);
    return bytes;
}

void blob_cache::put_small(const digest& d, std::string_view bytes)
{
    if (!store_.blob_size(d)) {
        auto writer = store_.begin_blob();
        writer->write(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        writer->commit(d);
    }
    add(d, bytes.size());
    evict_beyond_cap(d);
}

}  // namespace lading::mirror
