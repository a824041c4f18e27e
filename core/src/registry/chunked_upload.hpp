// Uploads to a registry behind a proxy that caps request bodies (nginx's
// client_max_body_size is 1 MiB unless raised; a CDN in front may cap at 100 MB). Once such a
// registry refused a blob sent in one request (HTTP 413), the blob goes up as a chunked
// upload: PATCH requests that each carry one range of it (Content-Range, Content-Length),
// then the PUT with its digest. The chunk size starts at 16 MiB, or at half the refused body
// when that is smaller, and halves at each refusal down to 256 KiB; the size that passed is
// kept in the session, so its later blobs start there and are not refused again.
//
// A chunk is never sent twice on one upload (distribution 2.8 appends what it gets whatever
// its Content-Range says): a chunk that fails on its way starts a fresh upload.
#pragma once

#include "registry/session.hpp"
#include "registry/url.hpp"
#include <lading/oci/digest.hpp>
#include <lading/stream/byte_source.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lading::registry {

struct chunked_blob {
    digest blob;
    std::uint64_t size = 0;
    std::string repository;
    std::vector<std::string> scopes;
    // The blob from its first byte; called once per upload that is started.
    std::function<std::unique_ptr<byte_source>()> open;
    // Where open() and the reads run (a thread pool): they may block.
    boost::asio::any_io_executor blocking_reads;
};

// The least chunk the registry asks for in its answer to an upload's POST
// (OCI-Chunk-Min-Length), 0 when it names none.
std::uint64_t least_chunk(const http_response& started);

// Sends the `size` bytes that open() gives (read on `blocking_reads`, if set) as the chunk
// at `offset` of the upload at `location`: a PATCH with its Content-Range, answered 202.
// Returns where the upload goes on. The chunk is sent once: if its connection breaks, the
// call throws lading::error (errc::network_failure) and the upload must start over.
boost::asio::awaitable<url> send_chunk(session& s, const url& location, std::uint64_t offset, std::uint64_t size,
                                       std::function<std::unique_ptr<byte_source>()> open,
                                       boost::asio::any_io_executor blocking_reads,
                                       const std::vector<std::string>& scopes, const std::string& what);

// Uploads `b` in chunks of the session's known chunk size (else 16 MiB), smaller than
// `refused` (the body size the registry just refused), if any, and 256 KiB at least. Throws
// registry_error (status 413) when even 256 KiB, or the least chunk the registry asks for
// (OCI-Chunk-Min-Length), is refused; a 413 to anything but an upload's first chunk is
// thrown as it is.
boost::asio::awaitable<void> upload_in_chunks(session& s, const chunked_blob& b, std::optional<std::uint64_t> refused);

}  // namespace lading::registry
