// Requests and responses exchanged with registries, independent of the connection.
#pragma once

#include <lading/stream/byte_source.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace lading::registry {

namespace http = boost::beast::http;

// A request body that can be produced again for a retry (a blob reopened from the store).
struct request_body {
    std::uint64_t size = 0;
    // The size is not known when the request starts: the body goes out with
    // Transfer-Encoding: chunked, one chunk per read of the source, and `size` is ignored.
    bool chunked = false;
    std::function<std::unique_ptr<byte_source>()> open;
    std::string content_type = "application/octet-stream";
    // Where open() and the source's reads run when they may block (a store plugin reading a
    // file): a thread pool's executor, so that the connection's thread keeps serving other
    // requests; the next chunk is read while the previous one is sent. Empty: open() and
    // the reads run on the connection's executor (bodies held in memory).
    boost::asio::any_io_executor blocking_reads;
};

struct http_response {
    unsigned status = 0;
    http::fields headers;
    std::string body;  // capped by the caller's limit

    std::string header(http::field f) const { return std::string(headers[f]); }
    std::string header(const char* name) const { return std::string(headers[name]); }
};

// Called with each chunk of a response body that is streamed instead of kept.
using body_consumer = std::function<void(const std::uint8_t*, std::size_t)>;

}  // namespace lading::registry
