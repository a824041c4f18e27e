#include "registry/chunked_upload.hpp"

#include "async/blocking_call.hpp"
#include "registry/upload_chunk_notes.hpp"
#include "registry/upload_requests.hpp"
#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <exception>

namespace lading::registry {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr std::uint64_t first_chunk = 16u << 20;
constexpr std::uint64_t smallest_chunk = 256u << 10;
constexpr int upload_rounds = 3;  // uploads started again after one was lost or cut

// The next `length` bytes of a blob that goes on after them: one chunk's body.
class chunk_window : public byte_source {
public:
    chunk_window(byte_source& blob, std::uint64_t length) : blob_(blob), left_(length) {}

    std::size_t read(std::span<std::uint8_t> buf) override
    {
        if (left_ == 0) return 0;
        auto n = blob_.read(buf.first(static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), left_))));
        if (n == 0) throw error(errc::request_failed, "the blob ended before the size its descriptor gives");
        left_ -= n;
        return n;
    }

private:
    byte_source& blob_;
    std::uint64_t left_;
};

enum class chunks_end { committed, first_refused };

// One upload of `b` in chunks of `chunk` bytes, or of the registry's least chunk when that
// is larger (`least` tells which it was). Only a refusal of the first chunk says the chunk
// is too large: the others are no larger, and a 413 anywhere else is the registry's own.
awaitable<chunks_end> send_in_chunks(session& s, const chunked_blob& b, std::uint64_t& chunk, std::uint64_t& least,
                                     const std::string& what)
{
    auto started = co_await start_upload(s, b.repository, b.scopes, what);
    auto location = upload_location(s, started, what);
    least = least_chunk(started);
    chunk = std::max(chunk, least);

    auto blob = co_await async::blocking_call(b.blocking_reads, [&b] { return b.open(); });
    for (std::uint64_t offset = 0; offset < b.size;) {
        const auto length = std::min(chunk, b.size - offset);
        bool refused = false;
        try {
            location = co_await send_chunk(s, location, offset, length,
                                           [&blob, length] { return std::make_unique<chunk_window>(*blob, length); },
                                           b.blocking_reads, b.scopes, what);
        } catch (const registry_error& e) {
            if (e.status() != 413 || offset > 0) throw;
            refused = true;
        }
        if (refused) co_return chunks_end::first_refused;
        offset += length;
    }

    co_await commit_upload(s, location, b.blob, b.scopes, what);
    co_return chunks_end::committed;
}

std::string byte_count(std::uint64_t n)
{
    if (n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
    if (n % (1u << 10) == 0) return std::to_string(n >> 10) + " KiB";
    return std::to_string(n) + " bytes";
}

}  // namespace

std::uint64_t least_chunk(const http_response& started)
{
    auto text = started.header("OCI-Chunk-Min-Length");
    std::uint64_t least = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), least);
    return ec == std::errc() && end == text.data() + text.size() ? least : 0;
}

awaitable<url> send_chunk(session& s, const url& location, std::uint64_t offset, std::uint64_t size,
                          std::function<std::unique_ptr<byte_source>()> open, asio::any_io_executor blocking_reads,
                          const std::vector<std::string>& scopes, const std::string& what)
{
    request_body body;
    body.size = size;
    body.blocking_reads = std::move(blocking_reads);
    // A chunk broken off may have reached the registry in part, which it keeps: it is not
    // sent again on this upload, which starts over instead.
    body.open = [open = std::move(open), opened = false, offset, what]() mutable {
        if (opened)
            throw error(errc::network_failure, "the connection broke during the chunk at byte " +
                                                   std::to_string(offset) + " of the " + what);
        opened = true;
        return open();
    };
    request_spec patch;
    patch.method = http::verb::patch;
    patch.target = location.target;
    patch.headers.set(http::field::content_range, std::to_string(offset) + "-" + std::to_string(offset + size - 1));
    patch.body = &body;
    patch.scopes = scopes;
    patch.expected = {202};
    patch.what = what;
    patch.follow_redirects = false;
    co_return upload_location(s, co_await s.send(patch), what);
}

awaitable<void> upload_in_chunks(session& s, const chunked_blob& b, std::optional<std::uint64_t> refused)
{
    const std::string what = "chunked upload of blob " + b.blob.str();
    const auto known = s.upload_chunk_size();
    auto chunk = known.value_or(first_chunk);
    if (refused) chunk = std::min(chunk, std::bit_floor(std::max<std::uint64_t>(*refused / 2, 1)));
    chunk = std::max(chunk, smallest_chunk);
    for (int round = 1;;) {
        std::exception_ptr lost;
        std::uint64_t least = 0;
        try {
            if (co_await send_in_chunks(s, b, chunk, least, what) == chunks_end::committed) {
                // Only a chunk of full size that passed tells what the registry takes.
                if (b.size > chunk) {
                    s.take_upload_chunk_size(chunk);
                    if (s.upload_chunk_size() != known) remember_upload_chunk_size(s.host(), *s.upload_chunk_size());
                }
                co_return;
            }
        } catch (const registry_error& e) {
            // A registry that lost track of the upload (400 for a digest that does not match
            // what it holds, 404, 416) is asked for a fresh one.
            if (e.status() != 400 && e.status() != 404 && e.status() != 416) throw;
            lost = std::current_exception();
        } catch (const error& e) {
            if (e.code() != errc::network_failure) throw;
            lost = std::current_exception();
        }
        if (lost) {
            if (++round > upload_rounds) std::rethrow_exception(lost);
            continue;
        }
        const auto floor = std::max(smallest_chunk, least);
        if (chunk <= floor)
            throw registry_error("registry " + s.host() + " refuses even " + byte_count(chunk) + " of blob " +
                                     b.blob.str() + " in one request (HTTP 413): a proxy in front of it caps " +
                                     "request bodies; raise its limit (nginx: client_max_body_size) to at least " +
                                     byte_count(floor),
                                 413);
        chunk = std::max(chunk / 2, floor);
    }
}

}  // namespace lading::registry
