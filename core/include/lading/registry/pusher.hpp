// Pushes images from a store to registries: blobs first (existence check, a cross-repository
// mount for base layers, else a streamed monolithic upload, restarted from the POST when the
// registry lost it), then manifests,
// children before the index, each checked against the registry's Docker-Content-Digest.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/host_config.hpp>
#include <lading/plugin/store.hpp>
#include <lading/progress.hpp>
#include <lading/oci/reference.hpp>
#include <lading/registry/blob_transfers.hpp>
#include <lading/registry/greetings.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace lading::registry {

// A layer that this program streamed to the job's repository while it was built.
struct streamed_blob {
    digest blob;
    // Waits for the stream's end: empty when the registry accepted the blob, else why not
    // (the push then uploads it like any other blob); throws lading::error
    // (errc::interrupted) when the stream was stopped. May block: it runs on a thread of
    // the push's own, so the job's other blobs go up meanwhile.
    std::function<std::optional<std::string>()> outcome;
};

struct push_job {
    image_reference target;  // where; its tag (or, by digest, nothing) names the manifest
    bool by_digest = false;
    descriptor root;
    plugin::store* source = nullptr;  // where the blobs are read from
    bool insecure = false;
    // Blobs that already live in another repository of the same registry (base image
    // layers): mounted with a cross-repo mount instead of being uploaded.
    std::string mount_from_repository;
    std::vector<digest> mountable;
    // Where blobs missing from `source` are read (a local base image), when set.
    std::function<std::unique_ptr<byte_source>(const digest&)> open_elsewhere;
    // Copies a mountable blob into `source` from where it came from (the base image's
    // registry) when the registry declines the mount (202), so that it can be uploaded.
    std::function<void(const descriptor&)> fetch_into_source;
    // Layers streamed to this repository while they were built: one the registry accepted
    // is reported as uploaded without asking the registry again.
    std::vector<streamed_blob> streamed;
    // Writes a blob this program made but kept nowhere (a layer whose streams were its only
    // copy) into `source` again, when the registry does not hold it: false when `blob` is not
    // one of those. May take as long as building the layer: it runs on the threads that wait
    // for streams, not on those that read the store for uploads.
    std::function<bool(const descriptor&)> rebuild_into_source;
};

struct push_settings {
    unsigned parallel_uploads = 4;  // per image; 0 is refused
    const host_config* hosts = nullptr;
    // Shared with pushes running side by side (bake targets), so that a blob they all send to
    // one repository goes there once; none: the images of this call share a table of their own.
    std::shared_ptr<blob_transfers> transfers;
    // Shared with other pushes and streamed layers running alongside: each registry is greeted
    // (GET /v2/) once between them; none: this call greets each registry itself.
    std::shared_ptr<greetings> greeted;
};

struct push_report {
    std::uint64_t blobs_uploaded = 0, blobs_skipped = 0, blobs_mounted = 0, bytes_uploaded = 0;
};

// Pushes every job concurrently on the caller's executor (one session per registry host):
// for embedders that run their own io_context. Same guarantees as push_images. No jobs:
// returns at once. parallel_uploads 0: throws lading::usage_error before anything is read.
// A blob that several jobs send to one repository is checked, mounted or uploaded once; the
// other jobs wait for that transfer and report the blob as already there (or fail with it).
// Calls given the same push_settings::transfers extend this to each other's jobs.
//
// Threading: every handler, and every progress call, runs on the awaiting coroutine's
// executor, which must not run handlers in parallel (an io_context run by one thread, or a
// strand). Calls into the job's store (manifest and blob reads, fetch_into_source,
// open_elsewhere) run on a private thread pool of parallel_uploads threads and never
// block that executor; the calls into one store may therefore come from several threads.
// Waits for streamed layers (streamed_blob::outcome) and rebuild_into_source run on threads
// of their own.
// Cancellation: terminal cancellation of the awaiting coroutine (e.g. a cancellation slot
// bound with co_spawn) ends every request and backoff wait under way; nothing is retried,
// no further manifest is put, and the call throws lading::error. A store call or a wait for
// a stream under way is not interrupted: the push ends when it returns. A name is tagged
// only after every blob and child manifest it references was accepted, so a cancelled push
// tags nothing incomplete.
boost::asio::awaitable<push_report> async_push_images(const std::vector<push_job>& jobs, const push_settings& settings,
                                                      progress_listener& progress);

// Pushes every job concurrently (async_push_images run with async::run_blocking in the
// calling thread) and returns when all are done. Throws lading::error naming the failing
// name, with a registry::errc code where the registry client gave one.
// Cancellation: requesting `stop` (from any thread) cancels the push as above; it then throws
// lading::error with errc::interrupted. lading installs no signal handler: turning SIGINT
// into a stop request is the host program's choice.
push_report push_images(const std::vector<push_job>& jobs, const push_settings& settings, progress_listener& progress,
                        std::stop_token stop = {});

}  // namespace lading::registry
