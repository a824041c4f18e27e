#include "registry_fixtures/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace lading::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, http_server::handler& handler,
                                     std::chrono::seconds timeout) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(boost::none);
        beast::get_lowest_layer(stream).expires_after(timeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
        if (ec) co_return;
        if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
            http::response<http::empty_body> go_on{http::status::continue_, 11};
            auto [wec, wn] = co_await http::async_write(stream, go_on, nothrow);
            if (wec) co_return;
        }
        std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, nothrow);
        if (ec) co_return;

        http_request req = parser.release();
        const bool head = req.method() == http::verb::head;
        const bool keep_alive = req.keep_alive();
        http_response res;
        try {
            res = co_await handler(std::move(req));
        } catch (const std::exception& e) {
            res = make_response(http::status::internal_server_error, e.what(), "text/plain");
        }
        res.version(11);
        res.keep_alive(keep_alive && res.keep_alive());
        const bool close = !res.keep_alive();

        beast::get_lowest_layer(stream).expires_after(timeout);
        if (head) {
            http::response<http::empty_body> header_only{std::move(res.base())};
            std::tie(ec, n) = co_await http::async_write(stream, header_only, nothrow);
        } else {
            res.prepare_payload();
            std::tie(ec, n) = co_await http::async_write(stream, res, nothrow);
        }
        if (ec || close) co_return;
    }
}

}  // namespace

http_server::http_server(handler h, http_server_options options)
    : handler_(std::move(h)),
      io_timeout_(options.io_timeout),
      acceptor_(ioc_, {asio::ip::make_address_v4("127.0.0.1"), 0}) {
    if (options.tls) {
        ssl_.emplace(ssl::context::tls_server);
        ssl_->use_certificate_chain_file(options.tls->certificate.string());
        ssl_->use_private_key_file(options.tls->key.string(), ssl::context::pem);
    }
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
}

http_server::~http_server() { stop(); }

void http_server::stop() {
    if (!thread_.joinable()) return;
    ioc_.stop();
    thread_.join();
}

std::string http_server::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::string http_server::base_url() const { return (uses_tls() ? "https://" : "http://") + address(); }

asio::awaitable<void> http_server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) continue;
        asio::co_spawn(ioc_, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> http_server::serve(tcp::socket socket) {
    beast::tcp_stream plain(std::move(socket));
    if (!ssl_) {
        co_await serve_requests(plain, handler_, io_timeout_);
        beast::error_code ignored;
        plain.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), *ssl_);
    beast::get_lowest_layer(secure).expires_after(io_timeout_);
    auto [ec] = co_await secure.async_handshake(ssl::stream_base::server, nothrow);
    if (ec) co_return;
    co_await serve_requests(secure, handler_, io_timeout_);
    beast::get_lowest_layer(secure).expires_after(std::chrono::seconds(2));
    co_await secure.async_shutdown(nothrow);
}

}  // namespace lading::test
