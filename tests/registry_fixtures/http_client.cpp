#include "registry_fixtures/http_client.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

namespace lading::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using secure_stream = beast::ssl_stream<beast::tcp_stream>;

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

void prepare_request(http_request& req, const std::string& host, std::uint16_t port) {
    req.version(11);
    if (req.find(http::field::host) == req.end())
        req.set(http::field::host, host + ":" + std::to_string(port));
    if (req.find(http::field::user_agent) == req.end())
        req.set(http::field::user_agent, "lading-registry-fixtures");
    if (!req.chunked()) req.prepare_payload();
}

asio::awaitable<void> connect(beast::tcp_stream& stream, const std::string& host, std::uint16_t port,
                              std::chrono::milliseconds timeout) {
    tcp::resolver resolver(co_await asio::this_coro::executor);
    auto endpoints = co_await resolver.async_resolve(host, std::to_string(port), asio::use_awaitable);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
}

asio::awaitable<void> tls_handshake(secure_stream& stream, const std::string& host, bool verify,
                                    std::chrono::milliseconds timeout) {
    if (!is_ip_literal(host) && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
        throw std::runtime_error("cannot set SNI " + host);
    if (verify) {
        stream.set_verify_mode(ssl::verify_peer);
        stream.set_verify_callback(ssl::host_name_verification(host));
    } else {
        stream.set_verify_mode(ssl::verify_none);
    }
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
}

template <class Stream>
asio::awaitable<http_response> exchange(Stream& stream, beast::flat_buffer& buffer, http_request& req,
                                        std::chrono::milliseconds timeout) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await http::async_write(stream, req, asio::use_awaitable);
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    if (req.method() == http::verb::head) parser.skip(true);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    co_return parser.release();
}

ssl::context make_client_context(const http_client_options& o) {
    ssl::context ctx(ssl::context::tls_client);
    if (!o.ca_file.empty())
        ctx.load_verify_file(o.ca_file.string());
    else
        ctx.set_default_verify_paths();
    return ctx;
}

}  // namespace

url_parts parse_url(std::string_view url) {
    url_parts u;
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        throw std::invalid_argument("not an absolute URL: " + std::string(url));
    u.scheme = std::string(url.substr(0, scheme_end));
    if (u.scheme != "http" && u.scheme != "https")
        throw std::invalid_argument("unsupported scheme: " + u.scheme);
    auto rest = url.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?");
    auto authority = rest.substr(0, path_start);
    u.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    if (!u.target.empty() && u.target.front() == '?') u.target.insert(0, "/");
    u.port = u.scheme == "https" ? 443 : 80;
    std::string_view host = authority;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            throw std::invalid_argument("bad IPv6 literal in " + std::string(url));
        host = authority.substr(1, close - 1);
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() == ':')
            authority.remove_prefix(1);
        else
            authority = {};
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        authority.remove_prefix(colon + 1);
    } else {
        authority = {};
    }
    if (!authority.empty()) {
        unsigned port = 0;
        auto [p, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), port);
        if (ec != std::errc() || p != authority.data() + authority.size() || port == 0 || port > 65535)
            throw std::invalid_argument("bad port in " + std::string(url));
        u.port = static_cast<std::uint16_t>(port);
    }
    if (host.empty()) throw std::invalid_argument("no host in " + std::string(url));
    u.host = std::string(host);
    return u;
}

struct http_connection::impl {
    std::string host;
    std::uint16_t port;
    bool tls;
    http_client_options options;
    asio::io_context ioc;
    std::optional<ssl::context> ssl_ctx;
    std::optional<beast::tcp_stream> plain;
    std::optional<secure_stream> secure;
    beast::flat_buffer buffer;
    std::size_t connects = 0;

    bool open() const {
        return tls ? secure && beast::get_lowest_layer(*secure).socket().is_open()
                   : plain && plain->socket().is_open();
    }

    void close() {
        beast::error_code ignored;
        if (plain) plain->socket().close(ignored);
        if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
        plain.reset();
        secure.reset();
        buffer.clear();
    }

    asio::awaitable<http_response> send(http_request& req) {
        if (!open()) {
            close();
            ++connects;
            if (tls) {
                secure.emplace(ioc, *ssl_ctx);
                co_await connect(beast::get_lowest_layer(*secure), host, port, options.timeout);
                co_await tls_handshake(*secure, host, options.verify_peer, options.timeout);
            } else {
                plain.emplace(ioc);
                co_await connect(*plain, host, port, options.timeout);
            }
        }
        // Not a ?: with a co_await in each arm: GCC 12 miscompiles that.
        http_response res;
        if (tls)
            res = co_await exchange(*secure, buffer, req, options.timeout);
        else
            res = co_await exchange(*plain, buffer, req, options.timeout);
        if (!res.keep_alive()) close();
        co_return res;
    }
};

http_connection::http_connection(std::string host, std::uint16_t port, bool tls, http_client_options options)
    : impl_(std::make_unique<impl>()) {
    impl_->host = std::move(host);
    impl_->port = port;
    impl_->tls = tls;
    impl_->options = std::move(options);
    if (tls) impl_->ssl_ctx.emplace(make_client_context(impl_->options));
}

http_connection::~http_connection() = default;

bool http_connection::is_open() const { return impl_->open(); }

void http_connection::close() { impl_->close(); }

std::size_t http_connection::connects() const { return impl_->connects; }

http_response http_connection::send(http_request request) {
    prepare_request(request, impl_->host, impl_->port);
    std::optional<http_response> result;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(impl_->ioc, impl_->send(request), [&](std::exception_ptr e, http_response r) {
        done = true;
        error = e;
        if (!e) result = std::move(r);
    });
    impl_->ioc.restart();
    // The stream timeouts end each step; this is the backstop for the whole request.
    impl_->ioc.run_for(impl_->options.timeout * 3 + std::chrono::seconds(1));
    if (!done) {
        impl_->close();
        impl_->ioc.restart();
        impl_->ioc.run_for(std::chrono::seconds(5));
        throw std::runtime_error("HTTP request to " + impl_->host + ":" + std::to_string(impl_->port) +
                                 " did not finish in time");
    }
    if (error) {
        impl_->close();
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string(http::to_string(request.method())) + " " +
                                     std::string(request.target()) + " on " + impl_->host + ":" +
                                     std::to_string(impl_->port) + ": " + e.what());
        }
    }
    return std::move(*result);
}

http_response http_fetch(http::verb method, std::string_view url, std::string body,
                         const header_list& headers, const http_client_options& options) {
    url_parts u = parse_url(url);
    http_request req{method, u.target, 11};
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    http_connection connection(u.host, u.port, u.scheme == "https", options);
    return connection.send(std::move(req));
}

asio::awaitable<http_response> async_http_exchange(std::string host, std::uint16_t port, http_request request,
                                                   ssl::context* tls, std::chrono::milliseconds timeout) {
    prepare_request(request, host, port);
    auto executor = co_await asio::this_coro::executor;
    beast::flat_buffer buffer;
    if (!tls) {
        beast::tcp_stream stream(executor);
        co_await connect(stream, host, port, timeout);
        co_return co_await exchange(stream, buffer, request, timeout);
    }
    secure_stream stream(executor, *tls);
    co_await connect(beast::get_lowest_layer(stream), host, port, timeout);
    co_await tls_handshake(stream, host, true, timeout);
    co_return co_await exchange(stream, buffer, request, timeout);
}

}  // namespace lading::test
