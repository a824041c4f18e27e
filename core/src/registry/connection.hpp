// One HTTP/1.1 connection to one origin, plain or TLS, reused for sequential requests.
#pragma once

#include "registry/http_types.hpp"
#include "registry/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lading::registry {

struct timeouts {
    std::chrono::seconds connect{30};
    std::chrono::seconds io{120};  // idle time allowed for any single read or write
    // The same for the /v2/ greeting: a registry that takes the connection and says nothing
    // is found out in this time, not after the io limit of every attempt.
    std::chrono::seconds greeting{30};
};

// Why lading may not connect to an address the origin's host resolved to; nothing when it may.
using address_check = std::function<std::optional<std::string>(const boost::asio::ip::address&)>;

class connection {
public:
    // tls is null for plain http. The connection is opened lazily and reopened when the
    // server closed it. With a check, only the resolved addresses it allows are tried; when
    // it allows none, send() throws lading::error (errc::insecure_redirect) with its reason
    // before anything is sent.
    connection(boost::asio::any_io_executor ex, url origin, std::shared_ptr<boost::asio::ssl::context> tls,
               timeouts limits, address_check check = {});
    ~connection();

    // Sends one request and reads the response. Bodies longer than body_limit fail the
    // request (lading::error, registry::errc::response_too_large), unless consume is set,
    // which then receives the body instead. Network failures throw
    // boost::system::system_error; the connection is closed then.
    // Threading: runs on the executor given at construction; `consume` is called there, and
    // so are the body's open() and reads unless the body names blocking_reads.
    // Cancellation: terminal cancellation of the awaiting coroutine aborts the exchange with
    // operation_aborted and closes the connection.
    // `idle_limit` replaces the io limit for this request (and the TLS handshake it opens with).
    boost::asio::awaitable<http_response> send(http::verb method, const std::string& target, http::fields headers,
                                               const request_body* body, std::size_t body_limit,
                                               const body_consumer* consume = nullptr,
                                               std::optional<std::chrono::seconds> idle_limit = std::nullopt);
    void close();
    const url& origin() const { return origin_; }
    // The address the connection last reached its origin at, once it has.
    std::optional<boost::asio::ip::address> peer() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    url origin_;
};

}  // namespace lading::registry
