// Authentication on both sides of lading-mirror: an upstream behind token auth (the mirror
// uses docker's credentials), a mirror that serves TLS and asks its clients for Basic auth
// from an htpasswd file, and password guesses that do not hold up the other clients.
#include "mirror_fixture.hpp"
#include "registry_support.hpp"

#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fstream>

#include <poll.h>

using namespace lading::test;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

const std::string reader_right = "Basic cmVhZGVyOnMzY3JldA==";  // reader:s3cret
const std::string reader_wrong = "Basic cmVhZGVyOndyb25n";      // reader:wrong
const std::string nobody = "Basic bm9ib2R5OnMzY3JldA==";        // nobody:s3cret

// A GET /v2/ written at once on a connection of its own and answered later: the test sees
// which answers have arrived.
class sent_request {
public:
    sent_request(asio::io_context& io, std::uint16_t port, const std::string& authorization) : socket_(io)
    {
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
        http::request<http::empty_body> req(http::verb::get, "/v2/", 11);
        req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
        req.set(http::field::authorization, authorization);
        req.keep_alive(false);
        http::write(socket_, req);
    }

    bool answered() { return socket_.available() > 0; }

    // Waits up to two minutes for the answer.
    http::response<http::string_body> answer()
    {
        pollfd ready{socket_.native_handle(), POLLIN, 0};
        if (::poll(&ready, 1, 120'000) != 1) throw std::runtime_error("the mirror did not answer within two minutes");
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(socket_, buffer, res);
        return res;
    }
    unsigned status() { return answer().result_int(); }

private:
    tcp::socket socket_;
};

// work/htpasswd for reader:s3cret, bcrypt at `cost` (each check of a wrong password costs
// the mirror 2^cost rounds).
std::filesystem::path bcrypt_htpasswd(const temp_dir& work, int cost)
{
    auto made = run_process({"htpasswd", "-Bbn", "-C", std::to_string(cost), "reader", "s3cret"});
    REQUIRE(made.succeeded());
    std::ofstream(work / "htpasswd") << made.out;
    return work / "htpasswd";
}

// The right password once, so that the mirror remembers it.
void remember_reader(const mirror_process& mirror)
{
    REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/", {}, {{"Authorization", reader_right}}).result_int() == 200);
}

}  // namespace

TEST_CASE("an upstream behind token auth is pulled with docker's credentials", "[mirror][auth]")
{
    temp_dir work("lading-mirror-token-");
    test_ca ca(work / "ca");
    token_server tokens(robot_tokens(ca));
    counted_upstream up(registry_options{.token = token_auth_for(tokens, ca)});
    auto push_config = write_docker_config(work / "push-docker", up.registry().address(), "robot", "tok-pw");
    auto image = push_image(work.path(), up.registry().address(), "private/app:1", {1 << 20}, 13, push_config);
    auto mirror_config = write_docker_config(work / "mirror-docker", up.address(), "robot", "tok-pw");
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}, {{"DOCKER_CONFIG", mirror_config.string()}}});

    // The client needs no credentials: the mirror holds them.
    skopeo_pull(mirror.address() + "/private/app:1", work / "out");
    CHECK(up.blob_gets(image.layer_digests[0]) == 1);
    bool robot_asked = false;
    for (const auto& r : tokens.requests()) robot_asked = robot_asked || (r.user == "robot" && r.status == 200);
    CHECK(robot_asked);
}

TEST_CASE("the mirror serves TLS and checks clients against an htpasswd file", "[mirror][auth][tls]")
{
    temp_dir work("lading-mirror-tls-");
    test_ca ca(work / "ca");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1 << 20}, 14);
    auto made = run_process({"htpasswd", "-Bbn", "reader", "s3cret"});
    REQUIRE(made.succeeded());
    std::ofstream(work / "htpasswd") << made.out;
    auto server = ca.server();
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--tls-cert", server.certificate.string(), "--tls-key",
                                            server.key.string(), "--htpasswd", (work / "htpasswd").string()}});
    const auto base = "https://" + mirror.address();
    http_client_options trust{.ca_file = ca.ca_certificate()};

    auto anonymous = http_fetch(http::verb::get, base + "/v2/", {}, {}, trust);
    CHECK(anonymous.result_int() == 401);
    CHECK(anonymous[http::field::www_authenticate] == "Basic realm=\"lading-mirror\"");
    auto wrong = http_fetch(http::verb::get, base + "/v2/", {}, {{"Authorization", "Basic cmVhZGVyOm5vcGU="}}, trust);
    CHECK(wrong.result_int() == 401);

    auto certs = work / "certs";
    std::filesystem::create_directories(certs);
    std::filesystem::copy_file(ca.ca_certificate(), certs / "ca.crt");
    skopeo_pull(mirror.address() + "/app:1", work / "out",
                {"--src-cert-dir", certs.string(), "--src-tls-verify=true", "--src-creds", "reader:s3cret"});
    CHECK(up.blob_gets(image.layer_digests[0]) == 1);
}

TEST_CASE("wrong passwords do not hold up a client whose password the mirror remembers", "[mirror][auth]")
{
    temp_dir work("lading-mirror-guesses-");
    counted_upstream up;
    // Cost 13: every check of a wrong password costs the mirror half a second of CPU or more.
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--htpasswd", bcrypt_htpasswd(work, 13).string()}});
    remember_reader(mirror);

    asio::io_context io;
    std::vector<sent_request> guesses;
    for (int i = 0; i < 8; ++i) guesses.emplace_back(io, mirror.port(), reader_wrong);
    sent_request remembered(io, mirror.port(), reader_right);
    CHECK(remembered.status() == 200);
    // Checked one after the other on the strand, every guess would have been answered first.
    std::size_t guesses_answered = 0;
    for (auto& g : guesses) guesses_answered += g.answered() ? 1 : 0;
    CHECK(guesses_answered < guesses.size());
    for (auto& g : guesses) CHECK(g.status() == 401);

    CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/", {}, {{"Authorization", nobody}}).result_int() == 401);
}

TEST_CASE("a flood of password guesses is answered busy past a bound, not queued", "[mirror][auth]")
{
    temp_dir work("lading-mirror-flood-");
    counted_upstream up;
    // Cost 12: a quarter of a second or more per check, so the guesses pile up.
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--htpasswd", bcrypt_htpasswd(work, 12).string()}});
    remember_reader(mirror);

    asio::io_context io;
    constexpr int flood = 48;  // more than the 32 checks the mirror lets wait
    std::vector<sent_request> guesses;
    for (int i = 0; i < flood; ++i) guesses.emplace_back(io, mirror.port(), reader_wrong);
    sent_request remembered(io, mirror.port(), reader_right);
    CHECK(remembered.status() == 200);

    int busy = 0, refused = 0;
    for (auto& g : guesses) {
        auto a = g.answer();
        if (a.result_int() == 429) {
            ++busy;
            CHECK(a[http::field::retry_after] == "1");
            CHECK(a.body().find("TOOMANYREQUESTS") != std::string::npos);
        } else {
            CHECK(a.result_int() == 401);
            ++refused;
        }
    }
    CHECK(busy > 0);
    CHECK(busy + refused == flood);
    // Once the checks are done, a guess is checked again (and refused), not answered busy.
    CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/", {}, {{"Authorization", reader_wrong}}).result_int() == 401);
}
