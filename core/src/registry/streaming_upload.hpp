// Uploads one blob to a registry while its bytes are still being produced, before its digest
// is known: a POST opens the upload, one PATCH carries the whole blob as a chunked body
// (Transfer-Encoding: chunked) while the producer writes it, and a PUT with ?digest= closes
// it once the producer names the digest. One PATCH instead of one per few MiB spares the
// registry the cost of reopening its upload for each (docker-registry spends about 25%
// more CPU on 4 MiB PATCHes than on one), and the wait for each answer; only to a registry
// known to cap request bodies does the blob go as PATCHes of one chunk each. The requests run on
// the upload's own thread; the producer waits only when pieces_queued pieces are already
// waiting, so memory stays at a few MiB, and gives the upload up when the registry has not
// opened it within open_within (a registry that is down must not hold the build back for
// all its retries).
//
// A failure (network, registry, a PATCH broken off, which the body cannot be sent again
// for) never reaches the producer: the upload ends unfinished and outcome() says why. The
// caller uploads the blob again from a store that kept the bytes, or builds it again
// (export/unkept_layers.hpp).
#pragma once

#include "registry/upload_target.hpp"
#include "registry/url.hpp"
#include <lading/oci/digest.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace lading::registry {

class session;

class streaming_upload {
public:
    // The producer's bytes are handed to the upload thread in pieces of this size.
    static constexpr std::size_t piece_size = 1 << 20;
    static constexpr std::size_t pieces_queued = 4;
    // How long the producer may wait, at most, for the registry to open the upload.
    static constexpr std::chrono::seconds open_within{5};
    // To a registry known to cap request bodies (registry/upload_chunk_notes.hpp), the blob
    // goes as PATCHes of its chunk size, this at most, each gathered in memory first.
    static constexpr std::size_t largest_chunk = 4 << 20;

    // A stop request on `stop` abandons the upload at once (the producer is not held back).
    explicit streaming_upload(upload_target target, std::stop_token stop = {});
    // Abandons an upload that was not finished; the registry drops it in time.
    ~streaming_upload();
    streaming_upload(const streaming_upload&) = delete;
    streaming_upload& operator=(const streaming_upload&) = delete;

    // The next bytes of the blob (called from one producer thread).
    void write(std::span<const std::uint8_t> bytes);
    // The blob is complete and hashes to `d`: hands over what is left and returns, while the
    // upload sends it and asks the registry to accept the blob.
    void close(const digest& d);
    // After close: waits for the registry's answer. Empty when it accepted the blob, else
    // why the upload failed; throws lading::error (errc::interrupted) when `stop` was
    // requested. Any thread may ask, any number of times.
    std::optional<std::string> outcome();
    const upload_target& target() const { return target_; }

private:
    struct piece {
        std::vector<std::uint8_t> bytes;
        std::optional<digest> last;  // set on the final piece
    };
    class piece_reader;
    void hand_over(piece p);
    piece next_piece();
    // A sent piece's buffer goes back to be filled again: the producer then writes into
    // memory already mapped instead of faulting in a fresh MiB for every piece.
    void recycle(std::vector<std::uint8_t> bytes);
    std::vector<std::uint8_t> empty_buffer();
    void fail(std::string why);
    void abandon();
    void give_up(std::string why);
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<url> send_in_chunks(session& s, url location, std::size_t chunk, std::optional<digest>& last,
                                               const std::vector<std::string>& scopes, const std::string& what);

    upload_target target_;
    std::size_t queue_limit_ = pieces_queued;  // fewer while a chunk is gathered in memory
    std::vector<std::uint8_t> filling_;
    std::uint64_t sent_ = 0;  // the blob's size once closed (read by the upload thread after close)

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<piece> queued_;
    std::vector<std::vector<std::uint8_t>> spare_;
    bool abandoned_ = false;
    bool opened_ = false;  // the registry answered the POST
    std::chrono::steady_clock::time_point open_deadline_ = std::chrono::steady_clock::now() + open_within;
    bool ended_ = false;  // the upload thread is done, successfully or not
    std::optional<std::string> failure_;

    std::stop_source stop_;
    std::thread thread_;
    std::mutex joining_;  // outcome() may be asked from several threads
    std::atomic<bool> stopped_{false};  // by the caller's stop token
    std::optional<std::stop_callback<std::function<void()>>> on_stop_;
};

}  // namespace lading::registry
