#include <lading/error.hpp>
#include "registry/connection.hpp"
#include "registry/header_values.hpp"
#include <lading/registry/errc.hpp>

#include "async/blocking_call.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <vector>

namespace lading::registry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

struct connection::impl {
    asio::any_io_executor ex;
    std::shared_ptr<ssl::context> tls;
    timeouts limits;
    address_check check;
    std::optional<asio::ip::address> peer;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    // Bounded: Beast keeps a chunk header or a trailer here until it ends, and one that never
    // ends must not take all memory. Body bytes only pass through it.
    beast::flat_buffer buffer{1 << 20};
    std::chrono::seconds io = limits.io;  // the idle limit of the request under way

    bool is_open() const { return plain || secure; }
    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    asio::awaitable<void> open(const url& origin)
    {
        auto endpoints = co_await allowed_endpoints(origin);
        buffer.clear();
        if (tls) {
            secure.emplace(ex, *tls);
            auto& low = beast::get_lowest_layer(*secure);
            peer = co_await connect(low, endpoints);
            send_without_delay(low);
            // SNI carries host names only, never a literal address.
            boost::system::error_code not_an_address;
            asio::ip::make_address(origin.host, not_an_address);
            if (not_an_address) SSL_set_tlsext_host_name(secure->native_handle(), origin.host.c_str());
            if (tls->native_handle() && SSL_CTX_get_verify_mode(tls->native_handle()) != SSL_VERIFY_NONE)
                secure->set_verify_callback(ssl::host_name_verification(origin.host));
            low.expires_after(io);
            co_await secure->async_handshake(ssl::stream_base::client, use_awaitable);
        } else {
            plain.emplace(ex);
            peer = co_await connect(*plain, endpoints);
            send_without_delay(*plain);
        }
    }

    // A connect that times out is ETIMEDOUT, as the kernel reports one: Beast's timeout error
    // is kept for a server that took the connection and then did not answer.
    asio::awaitable<asio::ip::address> connect(beast::tcp_stream& stream, const std::vector<tcp::endpoint>& endpoints)
    {
        stream.expires_after(limits.connect);
        auto [ec, reached] = co_await stream.async_connect(endpoints, asio::as_tuple(use_awaitable));
        if (ec == beast::error::timeout) throw boost::system::system_error(asio::error::timed_out);
        if (ec) throw boost::system::system_error(ec);
        co_return reached.address();
    }

    // The addresses the origin's host resolves to that the check allows, in the resolver's order.
    asio::awaitable<std::vector<tcp::endpoint>> allowed_endpoints(const url& origin)
    {
        tcp::resolver resolver(ex);
        auto resolved = co_await resolver.async_resolve(origin.host, origin.port, use_awaitable);
        std::vector<tcp::endpoint> allowed;
        std::optional<std::string> refusal;
        for (const auto& entry : resolved) {
            auto why = check ? check(entry.endpoint().address()) : std::nullopt;
            if (!why)
                allowed.push_back(entry.endpoint());
            else if (!refusal)
                refusal = std::move(why);
        }
        if (allowed.empty() && refusal) throw error(errc::insecure_redirect, *refusal);
        co_return allowed;
    }

    // A request goes out as headers, then body: with Nagle's algorithm the body waits for
    // the registry's delayed ACK of the headers, 40 ms per request on Linux.
    static void send_without_delay(beast::tcp_stream& s) { s.socket().set_option(tcp::no_delay(true)); }

    static constexpr std::size_t body_chunk = 256 * 1024;

    static void count_sent(std::uint64_t& sent, std::size_t n, const request_body& body)
    {
        if (sent + n > body.size) throw error(errc::request_failed, "request body is longer than announced");
        sent += n;
    }

    static void check_complete(std::uint64_t sent, const request_body& body)
    {
        if (sent != body.size) throw error(errc::request_failed, "request body is shorter than announced");
    }

    template <class Stream>
    asio::awaitable<void> write_body(Stream& s, const request_body& body)
    {
        auto source = body.open();
        std::vector<std::uint8_t> chunk(body_chunk);
        std::uint64_t sent = 0;
        while (auto n = source->read(chunk)) {
            count_sent(sent, n, body);
            lowest().expires_after(io);
            co_await asio::async_write(s, asio::buffer(chunk.data(), n), use_awaitable);
        }
        check_complete(sent, body);
    }

    // A body of unknown size: each read of the source goes out as one HTTP chunk, and an
    // empty read ends the body.
    template <class Stream>
    asio::awaitable<void> write_chunked_body(Stream& s, const request_body& body)
    {
        auto source = body.open();
        std::vector<std::uint8_t> chunk(body_chunk);
        while (auto n = source->read(chunk)) {
            lowest().expires_after(io);
            co_await asio::async_write(s, http::make_chunk(asio::buffer(chunk.data(), n)), use_awaitable);
        }
        lowest().expires_after(io);
        co_await asio::async_write(s, http::make_chunk_last(), use_awaitable);
    }

    // Opens and reads the body on its executor, two chunks in memory: the next one is read
    // while the current one is written.
    template <class Stream>
    asio::awaitable<void> write_body_read_elsewhere(Stream& s, const request_body& body)
    {
        using namespace asio::experimental::awaitable_operators;
        auto source = co_await async::blocking_call(body.blocking_reads, [&body] { return body.open(); });
        std::vector<std::uint8_t> current(body_chunk), next(body_chunk);
        auto read_into = [&](std::vector<std::uint8_t>& chunk) {
            return async::blocking_call(body.blocking_reads, [&source, &chunk] { return source->read(chunk); });
        };
        std::uint64_t sent = 0;
        std::size_t n = co_await read_into(current);
        while (n > 0) {
            count_sent(sent, n, body);
            lowest().expires_after(io);
            auto [written, following] =
                co_await (asio::async_write(s, asio::buffer(current.data(), n), use_awaitable) && read_into(next));
            (void)written;
            current.swap(next);
            n = following;
        }
        check_complete(sent, body);
    }

    template <class Stream>
    asio::awaitable<http_response> exchange(Stream& s, http::verb method, const std::string& target,
                                            http::fields headers, const request_body* body, std::size_t limit,
                                            const body_consumer* consume, const url& origin)
    {
        http::request<http::empty_body> req{method, target, 11};
        for (const auto& f : headers) req.set(f.name_string(), f.value());
        req.set(http::field::host, origin.host_port() == origin.host + ":" + (origin.scheme == "https" ? "443" : "80")
                                       ? origin.host
                                       : origin.host_port());
        req.set(http::field::user_agent, "lading");
        if (body && body->chunked) {
            req.chunked(true);
            req.set(http::field::content_type, body->content_type);
        } else if (body) {
            req.content_length(body->size);
            req.set(http::field::content_type, body->content_type);
        } else if (method == http::verb::put || method == http::verb::post || method == http::verb::patch) {
            req.content_length(0);
        }
        // A value from a manifest (its media type) must not be able to add headers or a request.
        for (const auto& f : req)
            if (!is_safe_header_value(f.value()))
                throw error(errc::protocol_violation, "refusing to send " + std::string(f.name_string()) + " to " +
                                                          origin.origin() + ": its value holds a control character");
        http::request_serializer<http::empty_body> serializer{req};
        lowest().expires_after(io);
        co_await http::async_write_header(s, serializer, use_awaitable);
        // A server may answer before it has read the whole body and then close the
        // connection: a proxy that caps request bodies answers 413 at once. When that answer
        // can still be read, it says more than the broken pipe does.
        std::exception_ptr body_cut;
        try {
            if (body && body->chunked) {
                co_await write_chunked_body(s, *body);
            } else if (body && body->size > 0) {
                if (body->blocking_reads)
                    co_await write_body_read_elsewhere(s, *body);
                else
                    co_await write_body(s, *body);
            }
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::operation_aborted) throw;  // cancelled
            body_cut = std::current_exception();
        }

        http::response_parser<http::buffer_body> parser;
        parser.body_limit(boost::none);
        if (method == http::verb::head) parser.skip(true);
        lowest().expires_after(io);
        auto [header_failure, header_bytes] =
            co_await http::async_read_header(s, buffer, parser, asio::as_tuple(use_awaitable));
        (void)header_bytes;
        // Only a refusal stands for a body that did not all go out.
        if (body_cut && (header_failure || parser.get().result_int() < 400)) std::rethrow_exception(body_cut);
        if (header_failure) throw boost::system::system_error(header_failure);

        http_response response;
        response.status = parser.get().result_int();
        for (const auto& f : parser.get().base()) response.headers.insert(f.name_string(), f.value());
        std::vector<char> chunk(64 * 1024);
        // Beast reads at most the buffer's free capacity (512 bytes after a small header): a
        // buffer as large as a chunk makes a body a few syscalls per chunk instead of hundreds.
        if (buffer.capacity() < chunk.size()) buffer.reserve(chunk.size());
        while (!parser.is_done()) {
            parser.get().body().data = chunk.data();
            parser.get().body().size = chunk.size();
            lowest().expires_after(io);
            auto [ec, n] = co_await http::async_read(s, buffer, parser, asio::as_tuple(use_awaitable));
            if (ec && ec != http::error::need_buffer) {
                if (body_cut) break;  // the refusal's status is the answer; its text may be cut
                throw boost::system::system_error(ec);
            }
            std::size_t got = chunk.size() - parser.get().body().size;
            // Only a successful answer is content; an error or redirect body is read (capped)
            // for the message instead.
            if (consume && response.status / 100 == 2) {
                (*consume)(reinterpret_cast<const std::uint8_t*>(chunk.data()), got);
            } else {
                if (response.body.size() + got > limit)
                    throw error(errc::response_too_large, "response from " + origin.origin() + " is larger than " +
                                                              std::to_string(limit) + " bytes; refusing to read it");
                response.body.append(chunk.data(), got);
            }
        }
        if (body_cut || !parser.keep_alive()) close();
        co_return response;
    }

    void close()
    {
        boost::system::error_code ec;
        if (secure) beast::get_lowest_layer(*secure).socket().close(ec);
        if (plain) plain->socket().close(ec);
        secure.reset();
        plain.reset();
    }
};

connection::connection(asio::any_io_executor ex, url origin, std::shared_ptr<ssl::context> tls, timeouts limits,
                       address_check check)
    : impl_(std::make_unique<impl>(impl{ex, std::move(tls), limits, std::move(check), std::nullopt, std::nullopt,
                                        std::nullopt})),
      origin_(std::move(origin))
{
}

std::optional<asio::ip::address> connection::peer() const { return impl_->peer; }

connection::~connection() = default;

void connection::close() { impl_->close(); }

asio::awaitable<http_response> connection::send(http::verb method, const std::string& target, http::fields headers,
                                                const request_body* body, std::size_t body_limit,
                                                const body_consumer* consume,
                                                std::optional<std::chrono::seconds> idle_limit)
{
    impl_->io = idle_limit.value_or(impl_->limits.io);
    try {
        if (!impl_->is_open()) co_await impl_->open(origin_);
        if (impl_->secure)
            co_return co_await impl_->exchange(*impl_->secure, method, target, std::move(headers), body, body_limit,
                                               consume, origin_);
        co_return co_await impl_->exchange(*impl_->plain, method, target, std::move(headers), body, body_limit, consume,
                                           origin_);
    } catch (...) {
        impl_->close();
        throw;
    }
}

}  // namespace lading::registry
