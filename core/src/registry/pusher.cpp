#include <lading/async/run_blocking.hpp>
#include <lading/error.hpp>
#include <lading/registry/errc.hpp>
#include <lading/registry/pusher.hpp>
#include "registry/blob_presence.hpp"
#include "registry/chunked_upload.hpp"
#include "registry/upload_chunk_notes.hpp"
#include "registry/upload_requests.hpp"
#include <lading/registry/blob_transfers.hpp>
#include "registry/session.hpp"

#include "progress_source.hpp"

#include "async/blocking_call.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>

namespace lading::registry {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

// How progress names a push's target: a push by digest writes no tag, so the repository.
std::string shown_target(const push_job& job) { return job.by_digest ? job.target.name() : job.target.normalized(); }

constexpr std::size_t manifest_limit = 4 << 20;

// Runs every task concurrently on the current executor and waits for all of them; returns
// each task's failure (or null), in order. The executor must not run handlers in parallel
// (a single-threaded io_context or a strand).
awaitable<std::vector<std::exception_ptr>> run_concurrently(std::vector<std::function<awaitable<void>()>> tasks)
{
    // No task would ever move the timer below.
    if (tasks.empty()) co_return std::vector<std::exception_ptr>{};
    co_await asio::this_coro::throw_if_cancelled(false);
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::exception_ptr> failures(tasks.size());
    std::vector<asio::cancellation_signal> cancel(tasks.size());
    std::size_t running = tasks.size();
    asio::steady_timer all_done(ex, std::chrono::steady_clock::time_point::max());
    for (std::size_t i = 0; i < tasks.size(); ++i)
        asio::co_spawn(ex, tasks[i](), asio::bind_cancellation_slot(cancel[i].slot(), [&, i](std::exception_ptr e) {
                           failures[i] = e;
                           // Moving the expiry wakes a pending wait and also one that starts later.
                           if (--running == 0) all_done.expires_at(std::chrono::steady_clock::time_point::min());
                       }));
    boost::system::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(use_awaitable, ec));
    if (running > 0) {
        // Woken by our own cancellation: pass it on and wait for every task to wind down.
        for (auto& c : cancel) c.emit(asio::cancellation_type::terminal);
        co_await asio::this_coro::reset_cancellation_state();
        co_await all_done.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    co_return failures;
}

// The blobs and child manifests of one image, in push order.
struct image_parts {
    std::vector<descriptor> blobs;                      // configs and layers, deduplicated
    std::vector<std::pair<descriptor, std::string>> manifests;  // children first, root last
};

// Walks the image below `d` in `store`, adding its blobs and manifests to `parts`; a manifest
// that several indexes list (or one lists many times) is read and put once.
void collect_image_parts(plugin::store& store, const descriptor& d, image_parts& parts, std::set<std::string>& seen, int depth)
{
    if (depth > 4) throw error("image index nesting is too deep at " + d.digest.str());
    // Every listing's size, a repeated one too: the index goes out with them as they are.
    if (auto size = store.blob_size(d.digest); size && (depth > 0 || d.size != 0) && *size != d.size)
        throw error("manifest " + d.digest.str() + " is " + std::to_string(*size) + " bytes in the store, not " +
                    std::to_string(d.size) + " as the index listing it says");
    if (!seen.insert("manifest " + d.digest.str()).second) return;
    auto bytes = store.read_small_blob(d.digest, manifest_limit);
    if (digest::of(bytes) != d.digest) throw error("manifest " + d.digest.str() + " in the store does not match its digest");
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_object()) throw error("manifest " + d.digest.str() + " in the store is not JSON");
    const auto& o = v.as_object();
    auto add_blob = [&](const boost::json::value& dv) {
        auto child = descriptor::from_json(dv);
        if (seen.insert(child.digest.str()).second) parts.blobs.push_back(child);
    };
    if (auto* m = o.if_contains("manifests"); m && m->is_array()) {
        for (const auto& child : m->as_array()) collect_image_parts(store, descriptor::from_json(child), parts, seen, depth + 1);
    } else {
        if (auto* c = o.if_contains("config")) add_blob(*c);
        if (auto* l = o.if_contains("layers"); l && l->is_array())
            for (const auto& layer : l->as_array()) add_blob(layer);
    }
    parts.manifests.emplace_back(d, std::move(bytes));
}

std::string session_key(const push_job& job) { return job.target.domain + (job.insecure ? " (insecure)" : ""); }

std::string scope_for(const image_reference& r) { return "repository:" + r.repository + ":pull,push"; }

class image_push {
public:
    // Calls into the store (and base-image downloads) run on `blocking`, off the executor
    // that serves every upload.
    // Waits for streamed layers, and builds of layers whose stream failed, run on
    // `stream_waits`, so that they never hold up the store calls and body reads on `blocking`.
    image_push(session& s, const push_job& job, progress_listener& progress, push_report& report,
               asio::any_io_executor blocking, asio::any_io_executor stream_waits, std::mutex& fetch_lock,
               blob_transfers& transfers)
        : session_(s), job_(job), progress_(progress), report_(report), blocking_(std::move(blocking)),
          stream_waits_(std::move(stream_waits)), fetch_lock_(fetch_lock), transfers_(transfers)
    {
    }

    awaitable<void> run(unsigned parallel, image_parts parts)
    {
        queue_.assign(parts.blobs.begin(), parts.blobs.end());
        // Workers share the queue; the executor is single-threaded, so no locking is needed.
        std::vector<std::function<awaitable<void>()>> workers(parallel, [this] { return worker(); });
        for (auto& f : co_await run_concurrently(std::move(workers)))
            if (f) std::rethrow_exception(f);
        for (std::size_t i = 0; i < parts.manifests.size(); ++i) {
            bool is_root = i + 1 == parts.manifests.size();
            co_await put_manifest(parts.manifests[i].first, parts.manifests[i].second, is_root);
        }
    }

private:
    awaitable<void> worker()
    {
        while (!queue_.empty()) {
            auto blob = queue_.front();
            queue_.pop_front();
            // A blob that another image is sending to this repository is taken last, so that
            // this image's own blobs do not wait behind it.
            if (!queue_.empty() && transfers_.under_way(job_.target.domain, job_.target.repository, blob.digest) &&
                put_last_.insert(blob.digest.str()).second) {
                queue_.push_back(blob);
                continue;
            }
            co_await push_blob(blob);
        }
    }

    std::string repo_path() const { return "/v2/" + job_.target.repository; }

    awaitable<void> push_blob(const descriptor& blob)
    {
        const auto target = shown_target(job_);
        progress_.blob_push_started(target, blob.digest, blob.size);
        const bool transferred_here = co_await transfers_.once(
            job_.target.domain, job_.target.repository, blob.digest, [&] { return transfer_blob(blob, target); });
        if (!transferred_here) {
            // Another image of this push put it there.
            ++report_.blobs_skipped;
            progress_.blob_push_done(target, blob.digest, blob.size, progress_listener::blob_push_outcome::already_there);
        }
    }

    awaitable<void> transfer_blob(const descriptor& blob, const std::string& target)
    {
        using outcome = progress_listener::blob_push_outcome;
        if (co_await accepted_from_stream(blob)) {
            progress_.blob_push_progress(target, blob.digest, blob.size, blob.size);
            count_uploaded(target, blob);
            co_return;
        }
        auto exists = co_await session_.send(blob_head_request(job_.target.repository, blob.digest));
        if (holds_blob(exists, blob.size)) {
            ++report_.blobs_skipped;
            progress_.blob_push_done(target, blob.digest, blob.size, outcome::already_there);
            co_return;
        }
        if (std::find(job_.mountable.begin(), job_.mountable.end(), blob.digest) != job_.mountable.end() &&
            co_await try_mount(blob, job_.mount_from_repository)) {
            progress_.blob_push_done(target, blob.digest, blob.size, outcome::mounted);
            co_return;
        }
        // Another repository of this registry that this run sent the blob to lends it.
        if (auto holder = co_await transfers_.earlier_holder(job_.target.domain, job_.target.repository, blob.digest);
            holder && co_await try_mount(blob, *holder)) {
            progress_.blob_push_done(target, blob.digest, blob.size, outcome::mounted);
            co_return;
        }
        auto* store = job_.source;
        bool in_store =
            co_await async::blocking_call(blocking_, [store, &blob] { return store->blob_size(blob.digest).has_value(); });
        if (!in_store && job_.rebuild_into_source)
            in_store =
                co_await async::blocking_call(stream_waits_, [this, &blob] { return job_.rebuild_into_source(blob); });
        // A declined mount leaves a base layer that the store never held to be uploaded.
        if (!in_store && !job_.open_elsewhere && job_.fetch_into_source)
            co_await async::blocking_call(blocking_, [this, &blob] {
                // The base image's reader serves one thread at a time.
                std::lock_guard one_fetch_at_a_time(fetch_lock_);
                job_.fetch_into_source(blob);
            });
        request_body body;
        body.size = blob.size;
        body.blocking_reads = blocking_;
        if (!in_store && job_.open_elsewhere)
            body.open = [open = job_.open_elsewhere, d = blob.digest] { return open(d); };
        else
            body.open = [store, d = blob.digest] { return store->open_blob(d); };
        body.open = [open = std::move(body.open), this, target, blob]() -> std::unique_ptr<byte_source> {
            return std::make_unique<progress_source>(open(), blob.size, [this, target, blob](std::uint64_t sent) {
                progress_.blob_push_progress(target, blob.digest, sent, blob.size);
            });
        };

        // A blob larger than a registry that caps request bodies takes goes up in chunks.
        std::optional<std::uint64_t> refused;
        if (const auto chunk_size = session_.upload_chunk_size(); !chunk_size || blob.size <= *chunk_size) {
            if (co_await upload_whole(blob, body)) {
                count_uploaded(target, blob);
                co_return;
            }
            refused = blob.size;
            progress_.step("warning: registry " + session_.host() + " refused blob " + blob.digest.str() + " (" +
                           std::to_string(blob.size) + " bytes) in one request (HTTP 413); it goes up in chunks");
        }
        chunked_blob chunks{blob.digest, blob.size, job_.target.repository, {scope_for(job_.target)}, body.open,
                            blocking_};
        co_await upload_in_chunks(session_, chunks, refused);
        count_uploaded(target, blob);
    }

    void count_uploaded(const std::string& target, const descriptor& blob)
    {
        ++report_.blobs_uploaded;
        report_.bytes_uploaded += blob.size;
        progress_.blob_push_done(target, blob.digest, blob.size, progress_listener::blob_push_outcome::uploaded);
    }

    // Uploads `blob` in one request: true when the registry took it, false when it refused a
    // body that large (HTTP 413).
    awaitable<bool> upload_whole(const descriptor& blob, const request_body& body)
    {
        // A registry that lost track of an upload (connection dropped mid-body, stale
        // upload state) is asked for a fresh upload session.
        const std::string what = "upload of blob " + blob.digest.str();
        for (int round = 1;; ++round) {
            try {
                const std::vector<std::string> scopes = {scope_for(job_.target)};
                auto location = upload_location(
                    session_, co_await start_upload(session_, job_.target.repository, scopes, what), what);

                request_spec put;
                put.method = http::verb::put;
                put.target = upload_commit_target(location, blob.digest);
                put.body = &body;
                put.scopes = scopes;
                put.expected = {201, 204};
                put.what = what;
                put.follow_redirects = false;
                check_committed_digest(session_, co_await session_.send(put), blob.digest);
                co_return true;
            } catch (const registry_error& e) {
                if (e.status() == 413) co_return false;
                bool lost_upload = e.status() == 400 || e.status() == 404 || e.status() == 416;
                if (!lost_upload || round >= 3) throw;
            }
        }
    }

    // True when the registry accepted `blob` from a stream of this program. Every stream of
    // it (a layer listed twice streams twice) has ended before this returns, so none is
    // still committing when the manifest goes; when all failed, that is reported and the
    // blob goes up as any other.
    awaitable<bool> accepted_from_stream(const descriptor& blob)
    {
        bool streamed_here = false, accepted = false;
        std::optional<std::string> failure;
        for (const auto& streamed : job_.streamed) {
            if (streamed.blob != blob.digest) continue;
            streamed_here = true;
            auto outcome = co_await async::blocking_call(stream_waits_, [&streamed] { return streamed.outcome(); });
            if (!outcome)
                accepted = true;
            else if (!failure)
                failure = std::move(outcome);
        }
        if (!streamed_here || accepted) co_return accepted;
        progress_.step("warning: streaming layer " + blob.digest.str() + " to " + job_.target.domain + "/" +
                       job_.target.repository + " failed (" + *failure + "); the push uploads it again");
        co_return false;
    }

    // True when the registry mounted the blob from `from`, another of its repositories.
    awaitable<bool> try_mount(const descriptor& blob, const std::string& from)
    {
        request_spec mount;
        mount.method = http::verb::post;
        mount.target = repo_path() + "/blobs/uploads/?mount=" + query_escape(blob.digest.str()) +
                       "&from=" + query_escape(from);
        mount.scopes = {scope_for(job_.target), "repository:" + from + ":pull"};
        mount.expected = {201, 202};
        mount.what = "mount of blob " + blob.digest.str() + " from " + from;
        // A registry that refuses the mount still takes an upload: without pull rights on
        // `from` a Bearer registry answers 401 insufficient_scope, which the session reports
        // as failed authentication, as it does a token it cannot get for that scope. Only an
        // interruption or a connection that keeps failing ends the push here.
        unsigned status = 0;
        try {
            status = (co_await session_.send(mount)).status;
        } catch (const error& e) {
            if (e.code() == errc::interrupted || e.code() == errc::network_failure) throw;
        }
        if (status != 201) co_return false;
        ++report_.blobs_mounted;
        co_return true;
    }

    awaitable<void> put_manifest(const descriptor& d, const std::string& bytes, bool is_root)
    {
        request_body body;
        body.size = bytes.size();
        body.content_type = d.media_type;
        body.open = [&bytes] {
            return std::make_unique<memory_source>(
                std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        };
        std::string reference = (is_root && !job_.by_digest && !job_.target.tag.empty()) ? job_.target.tag : d.digest.str();
        if (is_root && !job_.by_digest && job_.target.tag.empty() && job_.target.digest.empty()) reference = "latest";
        request_spec put;
        put.method = http::verb::put;
        put.target = repo_path() + "/manifests/" + reference;
        put.body = &body;
        put.scopes = {scope_for(job_.target)};
        put.expected = {201, 200};
        put.what = "manifest " + reference_text(job_.target.name(), reference);
        auto r = co_await send_manifest(put);
        auto echoed = r.header("Docker-Content-Digest");
        if (!echoed.empty() && echoed != d.digest.str())
            throw error(errc::protocol_violation,
                        "registry " + session_.host() + " computed " + echoed + " for manifest " + d.digest.str());
    }

    // distribution's filesystem storage rewrites a blob's repository link in place when another
    // client (a second CI shard pushing the same layer) commits the same blob; a manifest put
    // that reads the link meanwhile fails with DIGEST_INVALID or MANIFEST_BLOB_UNKNOWN although
    // every blob is there. Such a put is tried again after a short wait.
    awaitable<http_response> send_manifest(const request_spec& put)
    {
        for (int round = 1;; ++round) {
            try {
                co_return co_await session_.send(put);
            } catch (const registry_error& e) {
                const std::string what = e.what();
                bool racing_link = e.status() == 400 && (what.find("DIGEST_INVALID") != std::string::npos ||
                                                         what.find("MANIFEST_BLOB_UNKNOWN") != std::string::npos);
                if (!racing_link || round >= 3) throw;
            }
            asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(200 * round));
            co_await pause.async_wait(use_awaitable);
        }
    }

    session& session_;
    const push_job& job_;
    progress_listener& progress_;
    push_report& report_;
    asio::any_io_executor blocking_;
    asio::any_io_executor stream_waits_;
    std::mutex& fetch_lock_;
    blob_transfers& transfers_;
    std::deque<descriptor> queue_;
    std::set<std::string> put_last_;
};

}  // namespace

awaitable<push_report> async_push_images(const std::vector<push_job>& jobs, const push_settings& settings,
                                         progress_listener& progress)
{
    if (settings.parallel_uploads == 0)
        throw usage_error("parallel_uploads is 0: set it to the number of blobs of an image to upload at once "
                          "(1 or more)");
    auto ex = co_await asio::this_coro::executor;
    // Store reads, which may block, never run on `ex`.
    asio::thread_pool blocking(std::max(1u, settings.parallel_uploads));
    // A thread per streamed layer at most: each waits for its stream's end.
    std::size_t streamed = 0;
    for (const auto& job : jobs) streamed += job.streamed.size();
    asio::thread_pool stream_waits(std::max<std::size_t>(1, std::min<std::size_t>(streamed, 16)));
    std::mutex fetch_lock;
    auto transfers = settings.transfers ? settings.transfers : std::make_shared<blob_transfers>();
    push_report report;
    std::map<std::string, std::unique_ptr<session>> sessions;
    std::vector<image_parts> parts(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        co_await async::blocking_call(blocking.get_executor(), [&, i] {
            std::set<std::string> seen;
            collect_image_parts(*jobs[i].source, jobs[i].root, parts[i], seen, 0);
        });
        // One output's registry.insecure does not loosen another's to the same registry.
        auto& s = sessions[session_key(jobs[i])];
        if (!s) {
            auto options = options_for(jobs[i].target.domain, settings.hosts, jobs[i].insecure, settings.greeted);
            options.skip_verification_hint = push_output_hint;
            s = std::make_unique<session>(ex, jobs[i].target.domain, std::move(options));
        }
    }
    for (auto& [host, s] : sessions)
        if (auto chunk = s->upload_chunk_size())
            progress.step("registry " + s->host() + " took blobs in chunks of " + std::to_string(*chunk) +
                          " bytes when lading last pushed to it, and refused larger request bodies (noted in " +
                          upload_chunk_note(s->host()).value_or("the cache").string() +
                          "): larger blobs go up in such chunks");
    // Learn each registry's scheme and auth first, once, before any job talks to it.
    for (auto& [host, s] : sessions) {
        std::optional<error> failure;
        try {
            co_await s->ping();
        } catch (const error& x) {
            failure.emplace(x.code(), "failed to push to " + host + ": " + x.what());
        } catch (const std::exception& x) {
            failure.emplace("failed to push to " + host + ": " + x.what());
        }
        if (failure) throw *failure;
    }
    std::vector<std::function<awaitable<void>()>> pushes;
    for (const auto& job : jobs)
        pushes.push_back([&, i = pushes.size()]() -> awaitable<void> {
            image_push push(*sessions.at(session_key(job)), job, progress, report, blocking.get_executor(),
                            stream_waits.get_executor(),
                            fetch_lock, *transfers);
            co_await push.run(settings.parallel_uploads, parts[i]);
            progress.step("pushed " + (job.by_digest ? job.target.name() + "@" + job.root.digest.str()
                                                     : job.target.normalized() + " (" + job.root.digest.str() + ")"));
        });
    auto failures = co_await run_concurrently(std::move(pushes));
    progress.step("push: " + std::to_string(report.blobs_uploaded) + " blobs uploaded (" +
                  std::to_string(report.bytes_uploaded) + " bytes), " + std::to_string(report.blobs_mounted) +
                  " mounted, " + std::to_string(report.blobs_skipped) + " already there");
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (!failures[i]) continue;
        try {
            std::rethrow_exception(failures[i]);
        } catch (const error& e) {
            throw error(e.code(), "failed to push " + jobs[i].target.normalized() + ": " + e.what());
        } catch (const std::exception& e) {
            throw error("failed to push " + jobs[i].target.normalized() + ": " + e.what());
        }
    }
    co_return report;
}

push_report push_images(const std::vector<push_job>& jobs, const push_settings& settings, progress_listener& progress,
                        std::stop_token stop)
{
    try {
        return async::run_blocking(async_push_images(jobs, settings, progress), stop);
    } catch (const std::exception&) {
        // Whatever the cancelled work reported on its way out, the story is the interruption.
        if (stop.stop_requested())
            throw error(errc::interrupted, "push interrupted; nothing was tagged that was not complete");
        throw;
    }
}

}  // namespace lading::registry
