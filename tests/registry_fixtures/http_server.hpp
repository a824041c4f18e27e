// A small HTTP/1.1 server (Beast, C++20 coroutines) on 127.0.0.1 with a port the kernel
// picks, running on its own thread and io_context. Keep-alive, `Expect: 100-continue`,
// optional TLS. Every request goes through one coroutine handler; a handler that throws
// gives a 500 with the exception text. Responses to HEAD keep the handler's Content-Length
// and send no body. Reads and writes time out after io_timeout of inactivity.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "registry_fixtures/http_types.hpp"
#include "registry_fixtures/tls_files.hpp"

namespace lading::test {

struct http_server_options {
    std::optional<tls_files> tls{};  // serve HTTPS with this certificate
    std::chrono::seconds io_timeout{30};
};

class http_server {
public:
    using handler = std::function<boost::asio::awaitable<http_response>(http_request)>;

    // Listens before returning. The handler runs on the server thread.
    explicit http_server(handler h, http_server_options options = {});
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const;   // "127.0.0.1:PORT"
    std::string base_url() const;  // "http://127.0.0.1:PORT" or "https://..."
    bool uses_tls() const { return ssl_.has_value(); }
    // For handlers that do their own asynchronous I/O.
    boost::asio::any_io_executor executor() { return ioc_.get_executor(); }

    // Stops accepting, drops open connections and joins the thread. Idempotent.
    void stop();

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

    handler handler_;
    std::chrono::seconds io_timeout_;
    std::optional<boost::asio::ssl::context> ssl_;  // outlives the sessions in ioc_
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

}  // namespace lading::test
