#include <lading/mirror/mirror_server.hpp>

#include "convert/image_variant.hpp"
#include "mirror/blob_cache.hpp"
#include "registry/header_values.hpp"
#include "mirror/htpasswd_file.hpp"
#include "mirror/manifest_cache.hpp"
#include "mirror/mirror_metrics.hpp"
#include "mirror/request_handler.hpp"
#include "mirror/upstream.hpp"
#include "mirror/variant_tags.hpp"

#include <lading/error.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <sys/resource.h>
#include <vector>

namespace lading::mirror {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto idle_timeout = std::chrono::seconds(60);
constexpr auto write_timeout = std::chrono::seconds(120);
constexpr std::size_t chunk_size = 256 * 1024;

// Connections kept at once: a quarter of the descriptors the process may open (the rest are
// for cache files, spools and upstream connections), from 16 to 4096.
std::size_t connection_cap()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 4096;
    return std::clamp<std::size_t>(limit.rlim_cur / 4, 16, 4096);
}

tcp::endpoint parse_listen(const std::string& text)
{
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw usage_error("--listen " + text + ": expected HOST:PORT");
    auto host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "0.0.0.0";
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) throw usage_error("--listen " + text + ": " + host + " is not an IP address");
    unsigned port = 0;
    try {
        std::size_t used = 0;
        port = static_cast<unsigned>(std::stoul(text.substr(colon + 1), &used));
        if (used != text.size() - colon - 1 || port > 65535) throw std::out_of_range("port");
    } catch (const std::exception&) {
        throw usage_error("--listen " + text + ": the port is not a number from 0 to 65535");
    }
    return {address, static_cast<unsigned short>(port)};
}

std::unique_ptr<asio::ssl::context> make_tls_context(const std::filesystem::path& cert, const std::filesystem::path& key)
{
    auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    tls->use_certificate_chain_file(cert.string(), ec);
    if (ec) throw error("cannot use the TLS certificate " + cert.string() + ": " + ec.message());
    tls->use_private_key_file(key.string(), asio::ssl::context::pem, ec);
    if (ec) throw error("cannot use the TLS key " + key.string() + ": " + ec.message());
    return tls;
}

// A reply whose headers carry a value that could end the header block (from an upstream or
// from cached bytes) is not sent: the client gets a 502 instead.
void refuse_unsafe_headers(reply& r)
{
    for (const auto& f : r.headers)
        if (!registry::is_safe_header_value(f.value())) {
            r = error_reply("UNKNOWN", "the upstream gave a header value the mirror does not pass on",
                            std::string(f.name_string()));
            r.status = 502;
            return;
        }
}

beast::tcp_stream& lowest(beast::tcp_stream& s) { return s; }
beast::tcp_stream& lowest(asio::ssl::stream<beast::tcp_stream>& s) { return s.next_layer(); }

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
    struct connection_state {
        bool busy = false;
        std::function<void()> close;
    };

    impl(asio::any_io_executor ex, plugin::catalog& catalog, server_options o)
        : strand(asio::make_strand(ex)), plugins(catalog), options(std::move(o)), acceptor(strand)
    {
        if (options.upstreams.empty()) throw usage_error("no upstream: give --upstream URL or --config FILE");
        if (options.cache.empty()) throw usage_error("no cache directory: give --cache DIR");
        if (options.tls_cert.empty() != options.tls_key.empty())
            throw usage_error("--tls-cert and --tls-key go together");
        // Everything that can be wrong with the options is found before the cache is touched.
        for (const auto& v : options.variants) convert::check_variant_request(plugins, {v.compression, std::nullopt});
        const auto& store_plugin = plugins.get(LADING_KIND_STORE, options.store_backend);
        if (!options.htpasswd.empty()) users = std::make_unique<htpasswd_file>(options.htpasswd);
        if (!options.tls_cert.empty()) tls = make_tls_context(options.tls_cert, options.tls_key);
        std::map<std::string, std::string> record_names;
        for (const auto& u : options.upstreams) {
            if (upstreams.count(u.name)) throw usage_error("the upstream " + u.name + " is configured twice");
            if (u.name.find('/') != std::string::npos)
                throw usage_error("the upstream name " + u.name + " holds a '/': a name is one path segment");
            // Tag records spell ':' as '_': "host:5000" and "host_5000" would share them.
            if (auto [at, fresh] = record_names.emplace(upstream_record_name(u.name), u.name); !fresh)
                throw usage_error("the upstream names " + at->second + " and " + u.name +
                                  " differ only in ':' and '_': the cache would mix their tags");
            upstreams[u.name] = std::make_unique<upstream>(strand, u.name, u.url, options.hosts);
        }
        listen(parse_listen(options.listen));

        std::filesystem::create_directories(options.cache);
        store = std::make_unique<plugin::store>(store_plugin, options.cache.string());
        holdings = std::make_unique<repository_holdings>(*store);
        blobs = std::make_unique<blob_cache>(strand, *store, options.max_size, metrics, *holdings);
        manifests = std::make_unique<manifest_cache>(*store, *blobs, *holdings, options.tag_ttl, metrics,
                                                     [this](const std::string& note) { log(note); });
        if (!options.variants.empty())
            variants = std::make_unique<variant_tags>(options.variants, *store, plugins, *blobs, *manifests, strand);
        handler = std::make_unique<request_handler>(upstreams, *upstreams.at(options.upstreams.front().name), *blobs,
                                                    *manifests, *holdings, metrics, users.get(), variants.get());
    }

    void listen(const tcp::endpoint& endpoint)
    {
        boost::system::error_code ec;
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw error("cannot listen on " + options.listen + ": " + ec.message());
    }

    void log(std::string_view line) const
    {
        if (options.log) options.log(line);
    }

    // Past the cap, or out of descriptors, the connection idle longest (waiting for a request,
    // or for its TLS handshake) makes room: idle sockets cannot lock clients out.
    asio::awaitable<void> accept_loop()
    {
        auto self = shared_from_this();
        asio::steady_timer pause(strand);
        while (!stopping) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) {
                if (stopping || ec == asio::error::operation_aborted) break;
                close_oldest_idle();
                // (EMFILE and the like: a moment for the closed descriptors, instead of spinning.)
                pause.expires_after(std::chrono::milliseconds(100));
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            if (connections.size() >= max_connections) close_oldest_idle();
            asio::co_spawn(strand, connection(std::move(socket)), asio::detached);
        }
    }

    void close_oldest_idle()
    {
        for (auto& [id, c] : connections)
            if (!c.busy && c.close) {
                c.close();
                c.close = nullptr;
                return;
            }
    }

    asio::awaitable<void> connection(tcp::socket socket)
    {
        auto self = shared_from_this();
        boost::system::error_code ignored;
        auto peer = socket.remote_endpoint(ignored);
        socket.set_option(tcp::no_delay(true), ignored);  // headers and body leave without waiting for ACKs
        auto remote = peer.address().to_string() + ":" + std::to_string(peer.port());
        auto id = next_connection++;
        auto& state = connections[id];
        try {
            if (tls) {
                asio::ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
                state.close = [&stream] { beast::get_lowest_layer(stream).socket().close(); };
                stream.next_layer().expires_after(idle_timeout);
                co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
                co_await serve(stream, remote, state);
                stream.next_layer().expires_after(std::chrono::seconds(5));
                co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
            } else {
                beast::tcp_stream stream(std::move(socket));
                state.close = [&stream] { stream.socket().close(); };
                co_await serve(stream, remote, state);
                stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            }
        } catch (const std::exception&) {
            // A client that went away, a failed handshake: only this connection ends.
        }
        connections.erase(id);
    }

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream, const std::string& remote, connection_state& state)
    {
        beast::flat_buffer buffer;
        while (!stopping) {
            http::request_parser<http::empty_body> parser;
            parser.header_limit(16 * 1024);
            lowest(stream).expires_after(idle_timeout);
            state.busy = false;
            auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            state.busy = true;
            const auto started = std::chrono::steady_clock::now();
            const auto& req = parser.get();
            ++metrics.requests;
            ++metrics.requests_in_flight;
            reply r;
            try {
                r = co_await handler->handle(req);
            } catch (const std::exception& e) {
                r = error_reply("UNKNOWN", "internal error", e.what());
            }
            refuse_unsafe_headers(r);
            // A request with a body (a write) is answered without reading it: the connection ends.
            const bool keep = req.keep_alive() && parser.is_done() && !stopping;
            std::uint64_t sent = 0;
            bool complete = false;
            try {
                sent = co_await write_reply(stream, req.method() == http::verb::head, r, keep);
                complete = true;
            } catch (const std::exception&) {
            }
            --metrics.requests_in_flight;
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            log(remote + " \"" + std::string(req.method_string()) + " " + std::string(req.target()) + "\" " +
                std::to_string(r.status) + " " + std::to_string(sent) + " " + std::to_string(ms.count()) + "ms" +
                (complete ? "" : " (cut off)"));
            if (!keep || !complete) co_return;
        }
    }

    template <class Stream>
    asio::awaitable<std::uint64_t> write_reply(Stream& stream, bool head_only, reply& r, bool keep)
    {
        http::response<http::empty_body> res;
        res.result(r.status);
        res.version(11);
        for (const auto& f : r.headers) res.set(f.name_string(), f.value());
        res.set("Docker-Distribution-API-Version", "registry/2.0");
        res.set(http::field::content_length, std::to_string(r.content_length()));
        res.keep_alive(keep);
        http::response_serializer<http::empty_body> sr(res);
        lowest(stream).expires_after(write_timeout);
        co_await http::async_write_header(stream, sr, asio::use_awaitable);
        if (head_only) co_return 0;
        if (!r.blob) {
            lowest(stream).expires_after(write_timeout);
            co_await asio::async_write(stream, asio::buffer(r.body), asio::use_awaitable);
            co_return r.body.size();
        }
        std::vector<std::uint8_t> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, r.length)));
        std::uint64_t sent = 0;
        while (sent < r.length) {
            const auto offset = r.first + sent;
            std::size_t n = 0;
            auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), r.length - sent));
            if (r.blob->file) {
                n = r.blob->file->read_at(offset, std::span(chunk.data(), want));
                metrics.bytes_from_cache += n;
            } else {
                // Whole chunks where it can: fewer wake-ups and larger writes.
                co_await r.blob->fill->wait_for(offset, want);
                n = r.blob->fill->read_at(offset, std::span(chunk.data(), want));
            }
            if (n == 0) throw error("the blob ended early");
            lowest(stream).expires_after(write_timeout);
            co_await asio::async_write(stream, asio::buffer(chunk.data(), n), asio::use_awaitable);
            sent += n;
        }
        co_return sent;
    }

    void stop()
    {
        stopping = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        for (auto& [id, c] : connections)
            if (!c.busy && c.close) c.close();
    }

    asio::strand<asio::any_io_executor> strand;
    plugin::catalog& plugins;
    server_options options;
    tcp::acceptor acceptor;
    std::unique_ptr<plugin::store> store;
    mirror_metrics metrics;
    std::map<std::string, std::unique_ptr<upstream>> upstreams;
    std::unique_ptr<repository_holdings> holdings;
    std::unique_ptr<blob_cache> blobs;
    std::unique_ptr<manifest_cache> manifests;
    std::unique_ptr<variant_tags> variants;
    std::unique_ptr<htpasswd_file> users;
    std::unique_ptr<asio::ssl::context> tls;
    std::unique_ptr<request_handler> handler;
    std::map<std::uint64_t, connection_state> connections;
    std::uint64_t next_connection = 0;
    std::size_t max_connections = connection_cap();
    bool stopping = false;
};

server::server(asio::any_io_executor ex, plugin::catalog& plugins, server_options options)
    : impl_(std::make_shared<impl>(std::move(ex), plugins, std::move(options)))
{
}

server::~server()
{
    if (impl_) {
        boost::system::error_code ignored;
        impl_->acceptor.close(ignored);
    }
}

void server::start() { asio::co_spawn(impl_->strand, impl_->accept_loop(), asio::detached); }

asio::ip::tcp::endpoint server::local_endpoint() const { return impl_->acceptor.local_endpoint(); }

void server::stop()
{
    asio::post(impl_->strand, [self = impl_] { self->stop(); });
}

std::string server::metrics_text() const { return impl_->metrics.prometheus_text(); }

}  // namespace lading::mirror
