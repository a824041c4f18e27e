// A blocking HTTP/1.1 client for tests (Beast), with a deadline on every request, and the
// coroutine exchange the forwarding servers use. It follows no redirects and adds no
// credentials: tests see exactly what the server answered.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include "registry_fixtures/http_types.hpp"

namespace lading::test {

struct http_client_options {
    std::filesystem::path ca_file{};  // HTTPS: trust this PEM CA; empty: the system's CAs
    bool verify_peer = true;          // HTTPS: check the chain and the host name / IP
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // per request, all in
};

struct url_parts {
    std::string scheme{};  // "http" or "https"
    std::string host{};
    std::uint16_t port = 0;
    std::string target{};  // path and query, "/" when absent
};
// Accepts absolute http(s) URLs only; throws std::invalid_argument otherwise.
url_parts parse_url(std::string_view url);

// One connection reused for consecutive requests while the server keeps it alive; send()
// reconnects when it was closed.
class http_connection {
public:
    http_connection(std::string host, std::uint16_t port, bool tls = false, http_client_options options = {});
    ~http_connection();
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    // Sets Host and User-Agent (unless present) and Content-Length (unless the request is
    // chunked: request.chunked(true) sends the body as one chunk). Throws std::runtime_error on
    // a network or TLS error or when the deadline passes (the connection is then closed).
    http_response send(http_request request);
    bool is_open() const;
    void close();
    // How many TCP connections send() has opened so far.
    std::size_t connects() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

// One request on a fresh connection.
http_response http_fetch(boost::beast::http::verb method, std::string_view url, std::string body = {},
                         const header_list& headers = {}, const http_client_options& options = {});

// Coroutine form for servers: connects, sends one request and reads the answer.
// `tls` null means plain HTTP. Throws boost::system::system_error on failure.
boost::asio::awaitable<http_response> async_http_exchange(std::string host, std::uint16_t port,
                                                          http_request request,
                                                          boost::asio::ssl::context* tls,
                                                          std::chrono::milliseconds timeout);

}  // namespace lading::test
