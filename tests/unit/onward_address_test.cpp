// Where a registry may send lading on to (token realm, redirects), judged by the addresses
// names resolve to: the rule itself, and a connection that refuses a resolved address before
// anything reaches it.
#include <catch2/catch.hpp>

#include "registry/connection.hpp"
#include "registry/onward_address.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace lading::registry;

namespace {

asio::ip::address address(const char* text) { return asio::ip::make_address(text); }

}  // namespace

TEST_CASE("a registry sends lading no further inside than itself, whatever name stands for the address", "[registry]")
{
    // A public registry: a realm or redirect named anything but resolving inside is refused.
    auto refusal = onward_refusal("registry.example", host_reach::outside, "auth.example", address("10.1.2.3"));
    REQUIRE(refusal);
    CHECK(*refusal == "registry registry.example sent lading to auth.example, which resolves to 10.1.2.3 on a "
                      "network the registry is not on; refusing to connect there");
    CHECK(onward_refusal("registry.example", host_reach::outside, "auth.example", address("127.0.0.1")));
    CHECK(onward_refusal("registry.example", host_reach::outside, "auth.example", address("::1")));
    CHECK(onward_refusal("registry.example", host_reach::outside, "auth.example", address("::ffff:192.168.1.1")));
    CHECK_FALSE(onward_refusal("registry.example", host_reach::outside, "auth.example", address("93.184.216.34")));
    // A registry on a private network may use a token server there, or outside.
    CHECK_FALSE(onward_refusal("registry.corp", host_reach::private_network, "auth.corp", address("10.0.0.7")));
    CHECK_FALSE(onward_refusal("registry.corp", host_reach::private_network, "auth.corp", address("8.8.8.8")));
    CHECK(onward_refusal("registry.corp", host_reach::private_network, "auth.corp", address("127.0.0.1")));
    // This machine's registry may use anything but link-local.
    CHECK_FALSE(onward_refusal("127.0.0.1", host_reach::this_machine, "localhost", address("127.0.0.1")));
    CHECK_FALSE(onward_refusal("127.0.0.1", host_reach::this_machine, "auth.corp", address("10.0.0.7")));
    // Link-local (cloud metadata) is refused from anywhere, but on the registry's own host.
    for (auto reach : {host_reach::outside, host_reach::private_network, host_reach::this_machine, host_reach::link_local}) {
        CHECK(onward_refusal("registry.example", reach, "metadata.internal", address("169.254.169.254")));
        CHECK(onward_refusal("registry.example", reach, "metadata.internal", address("::ffff:169.254.169.254")));
        CHECK(onward_refusal("registry.example", reach, "metadata.internal", address("fe80::1")));
    }
    CHECK_FALSE(onward_refusal("registry.example", host_reach::outside, "Registry.Example", address("10.1.2.3")));
}

TEST_CASE("a connection tries only the resolved addresses its check allows", "[registry]")
{
    asio::io_context server_io;
    tcp::acceptor acceptor(server_io, {address("127.0.0.1"), 0});
    const auto origin = url::parse("http://localhost:" + std::to_string(acceptor.local_endpoint().port()));
    std::string const target = "/v2/";

    SECTION("refused: nothing reaches the server")
    {
        asio::io_context io;
        connection c(io.get_executor(), origin, nullptr, {}, [](const asio::ip::address& a) -> std::optional<std::string> {
            if (a.is_loopback() || (a.is_v6() && a.to_v6().is_v4_mapped())) return "not there: " + a.to_string();
            return std::nullopt;
        });
        auto reply = asio::co_spawn(io, c.send(http::verb::get, target, {}, nullptr, 4 << 20), asio::use_future);
        io.run();
        try {
            reply.get();
            FAIL("the connection was made");
        } catch (const lading::error& e) {
            CHECK(e.code() == errc::insecure_redirect);
            CHECK(std::string(e.what()).starts_with("not there: "));
        }
        CHECK_FALSE(c.peer());
        acceptor.non_blocking(true);
        tcp::socket s(server_io);
        boost::system::error_code ec;
        acceptor.accept(s, ec);
        CHECK(ec == asio::error::would_block);
    }
    SECTION("allowed: the request is answered and the address it reached is known")
    {
        std::thread server([&] {
            tcp::socket s(server_io);
            acceptor.accept(s);
            asio::streambuf request;
            asio::read_until(s, request, "\r\n\r\n");
            asio::write(s, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")));
        });
        asio::io_context io;
        std::vector<std::string> asked;
        connection c(io.get_executor(), origin, nullptr, {}, [&](const asio::ip::address& a) -> std::optional<std::string> {
            asked.push_back(a.to_string());
            return a.is_v4() ? std::nullopt : std::optional<std::string>("IPv4 only");
        });
        auto reply = asio::co_spawn(io, c.send(http::verb::get, target, {}, nullptr, 4 << 20), asio::use_future);
        io.run();
        auto response = reply.get();
        server.join();
        CHECK(response.status == 200);
        CHECK(response.body == "{}");
        CHECK(std::find(asked.begin(), asked.end(), "127.0.0.1") != asked.end());
        REQUIRE(c.peer());
        CHECK(c.peer()->to_string() == "127.0.0.1");
        c.close();
    }
}
