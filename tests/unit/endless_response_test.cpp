// A registry connection against raw servers: a chunked answer that never ends its chunk header
// or its trailer is given up after a bounded amount instead of buffered whole; a header value
// holding CR or LF (a media type read from a manifest) is never sent.
#include <catch2/catch.hpp>

#include "registry/connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <atomic>
#include <array>
#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::uint64_t offered = 64ull << 20;
constexpr const char* chunked_head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

// Accepts one connection, reads a request head, answers `head` and then `filler` bytes until
// `offered` are sent or the client goes away; counts what it could send.
class endless_server {
public:
    endless_server(std::string head, char filler)
        : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
          thread_([this, head = std::move(head), filler] { serve(head, filler); })
    {
    }
    ~endless_server() { thread_.join(); }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::uint64_t sent() const { return sent_; }

private:
    void serve(const std::string& head, char filler)
    {
        tcp::socket s(io_);
        acceptor_.accept(s);
        asio::streambuf request;
        asio::read_until(s, request, "\r\n\r\n");
        asio::write(s, asio::buffer(head));
        const std::string block(64 * 1024, filler);
        boost::system::error_code ec;
        while (sent_ < offered && !ec) sent_ += asio::write(s, asio::buffer(block), ec);
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::atomic<std::uint64_t> sent_{0};
    std::thread thread_;
};

}  // namespace

TEST_CASE("a chunked answer whose chunk header or trailer never ends is given up, not buffered", "[registry]")
{
    auto [what, answer, filler] = GENERATE(table<std::string, std::string, char>({
        {"chunk extension", std::string(chunked_head) + "1;", 'e'},
        {"trailer", std::string(chunked_head) + "0\r\nX-Trailer: ", 'y'},
    }));
    INFO(what);
    endless_server server(answer, filler);
    asio::io_context io;
    lading::registry::connection c(io.get_executor(),
                                   lading::registry::url::parse("http://127.0.0.1:" + std::to_string(server.port())),
                                   nullptr, {});
    // The coroutine keeps a reference to its target; it must outlive io.run().
    std::string const target = "/v2/";
    auto reply = asio::co_spawn(io, c.send(lading::registry::http::verb::get, target, {}, nullptr, 4 << 20),
                                asio::use_future);
    io.run();
    CHECK_THROWS(reply.get());
    c.close();
    // Given up after about a MiB (plus what the sockets hold), not after all that was offered.
    CHECK(server.sent() < offered / 2);
}

TEST_CASE("a header value holding CR or LF is refused before anything is sent", "[registry]")
{
    asio::io_context server_io;
    tcp::acceptor acceptor(server_io, {asio::ip::make_address("127.0.0.1"), 0});
    std::string received;
    std::thread server([&] {
        tcp::socket s(server_io);
        acceptor.accept(s);
        boost::system::error_code ec;
        std::array<char, 4096> buf{};
        while (!ec) received.append(buf.data(), s.read_some(asio::buffer(buf), ec));
    });
    asio::io_context io;
    lading::registry::connection c(
        io.get_executor(), lading::registry::url::parse("http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port())),
        nullptr, {});
    lading::registry::http::fields headers;
    headers.set(lading::registry::http::field::content_type,
                "application/vnd.oci.image.manifest.v1+json\r\nX-Injected: 1");
    std::string const target = "/v2/";
    auto reply = asio::co_spawn(io, c.send(lading::registry::http::verb::get, target, headers, nullptr, 4 << 20),
                                asio::use_future);
    io.run();
    try {
        reply.get();
        FAIL("the request was sent");
    } catch (const lading::error& e) {
        CHECK(e.code() == lading::registry::errc::protocol_violation);
        CHECK(std::string(e.what()).find("control character") != std::string::npos);
    }
    c.close();
    server.join();
    CHECK(received.empty());
}
