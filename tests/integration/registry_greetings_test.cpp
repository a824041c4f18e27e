// Sessions that share greetings (registry/greetings.hpp) greet each registry once between
// them, and sessions of one process that need the same Bearer token at once fetch it once:
// sessions driven directly on threads of their own, as an export's streamed layers run, and
// a whole export of three streamed layers. Against a real docker-registry with a token
// server, each behind a fault proxy that counts, holds back or fails requests.
#include <catch2/catch.hpp>

#include "registry/greetings_table.hpp"
#include "registry/session.hpp"

#include <lading/registry/greetings.hpp>

#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <lading/registry/errc.hpp>

#include <algorithm>
#include <thread>

using namespace lading::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace reg = lading::registry;
namespace fs = std::filesystem;

namespace {

// A registry taking tokens from a token server where anyone may pull and push, each behind
// a fault proxy.
struct token_registry {
    explicit token_registry(const fs::path& work)
        : ca(work / "pki"), tokens({.signing = ca.token_signing(), .grants = {{"", {{"*", {"pull", "push"}}}}}}),
          token_front("127.0.0.1", tokens.port()),
          registry({.token = token_auth{"http://" + token_front.address() + "/token", tokens.service(),
                                        tokens.issuer(), ca.ca_certificate()}}),
          front("127.0.0.1", registry.port())
    {
    }
    test_ca ca;
    token_server tokens;
    fault_proxy token_front;
    registry_server registry;
    fault_proxy front;
};

// A session greets the registry, then asks for a blob that is not there (a Bearer request).
asio::awaitable<unsigned> greet_and_ask(reg::session& s)
{
    co_await s.ping();
    reg::request_spec head;
    head.method = reg::http::verb::head;
    head.target = "/v2/team/app/blobs/sha256:" + std::string(64, '0');
    head.scopes = {"repository:team/app:pull,push"};
    head.expected = {200, 404};
    head.what = "a blob";
    auto answer = co_await s.send(head);
    co_return answer.status;
}

struct session_outcome {
    unsigned status = 0;
    std::string failure;
};

// One session on its own io_context and thread, as each streamed layer has.
std::thread start_session(const std::string& host, const reg::session_options& options, session_outcome& out)
{
    return std::thread([host, options, &out] {
        asio::io_context io;
        reg::session s(io.get_executor(), host, options);
        auto result = asio::co_spawn(io, greet_and_ask(s), asio::use_future);
        io.run();
        try {
            out.status = result.get();
        } catch (const std::exception& e) {
            out.failure = e.what();
        }
    });
}

}  // namespace

TEST_CASE("sessions starting at once on threads of their own greet the registry once and fetch one token",
          "[registry][greetings]")
{
    temp_dir work;
    token_registry r(work.path());
    // The first greeting and the first token request are held back: the other sessions ask meanwhile.
    r.front.hold_requests_until("GET", "^/v2/$", ".*", 1, "NONE", "^never$", 300ms);
    r.token_front.hold_requests_until("GET", "^/token$", ".*", 1, "NONE", "^never$", 300ms);
    reg::session_options options;
    options.greeted = std::make_shared<reg::greetings>();

    std::vector<session_outcome> outcomes(3);
    std::vector<std::thread> sessions;
    for (auto& out : outcomes) sessions.push_back(start_session(r.front.address(), options, out));
    for (auto& t : sessions) t.join();

    for (const auto& out : outcomes) {
        CHECK(out.failure.empty());
        CHECK(out.status == 404);
    }
    CHECK(count_greetings(r.front) == 1);
    CHECK(r.tokens.requests().size() == 1);
}

TEST_CASE("a greeting that failed is not shared: the sessions that waited for it greet the registry themselves",
          "[registry][greetings]")
{
    temp_dir work;
    token_registry r(work.path());
    // The first session's greeting is answered 500 twice (its two attempts), 300 ms apart.
    r.front.answer_500("GET", "^/v2/$", 2);
    reg::session_options options;
    options.greeted = std::make_shared<reg::greetings>();
    options.retry.max_attempts = 2;
    options.retry.first_delay = 300ms;

    session_outcome first;
    std::vector<session_outcome> later(2);
    std::vector<std::thread> sessions;
    sessions.push_back(start_session(r.front.address(), options, first));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (count_greetings(r.front) == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    REQUIRE(count_greetings(r.front) == 1);
    for (auto& out : later) sessions.push_back(start_session(r.front.address(), options, out));
    for (auto& t : sessions) t.join();

    INFO(first.failure);
    CHECK(first.failure.find("500") != std::string::npos);
    for (const auto& out : later) {
        CHECK(out.failure.empty());
        CHECK(out.status == 404);
    }
    // The failed one's two attempts, then one each; or one for both, when one of them keeps
    // its greeting before the other looks.
    CHECK(count_greetings(r.front) >= 3);
    CHECK(count_greetings(r.front) <= 4);
}

TEST_CASE("a session stopped while it waits for another one's greeting ends at once, without greeting",
          "[registry][greetings]")
{
    temp_dir work;
    token_registry r(work.path());
    r.front.hold_requests_until("GET", "^/v2/$", ".*", 1, "NONE", "^never$", 2000ms);
    reg::session_options options;
    options.greeted = std::make_shared<reg::greetings>();

    session_outcome first;
    auto leader = start_session(r.front.address(), options, first);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    auto& flights = options.greeted->learned().under_way;
    while (flights.under_way() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    REQUIRE(flights.under_way() == 1);  // the first session's greeting is held at the proxy

    asio::io_context io;
    reg::session waiting(io.get_executor(), r.front.address(), options);
    asio::cancellation_signal stop;
    auto result = asio::co_spawn(io, greet_and_ask(waiting), asio::bind_cancellation_slot(stop.slot(), asio::use_future));
    asio::steady_timer later(io, 200ms);
    later.async_wait([&](boost::system::error_code) { stop.emit(asio::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    io.run();
    const auto took = std::chrono::steady_clock::now() - start;
    std::error_code code;
    std::string message;
    try {
        result.get();
    } catch (const lading::error& e) {
        code = e.code();
        message = e.what();
    } catch (const std::exception& e) {
        message = e.what();
    }
    INFO(message);
    leader.join();

    CHECK(code == make_error_code(reg::errc::interrupted));
    CHECK(took < 1500ms);  // the held greeting takes 2 s
    CHECK(first.failure.empty());
    CHECK(first.status == 404);
    CHECK(count_greetings(r.front) == 1);
}

TEST_CASE("an export of three streamed layers greets the registry once and asks the token server once",
          "[registry][greetings][streamed]")
{
    temp_dir work;
    token_registry r(work.path());
    export_request req{.outputs = {"type=registry,name=" + r.front.address() + "/team/three:1,store=false"},
                       .store = work / "store",
                       .metadata_file = work / "meta.json",
                       .env = {{"SOURCE_DATE_EPOCH", "1700000000"}}};
    for (int i = 0; i < 3; ++i) {
        auto tree = work / ("tree" + std::to_string(i));
        fs::create_directories(tree);
        write_random_file(tree / "noise.bin", 6 << 20, 20 + i);
        req.layers.push_back(tree);
    }
    auto meta = export_ok(req);

    CHECK(count_requests(r.front, 0, "PATCH", {"/v2/team/three/blobs/uploads/"}) == 3);  // every layer streamed
    CHECK(count_greetings(r.front) == 1);
    CHECK(r.tokens.requests().size() == 1);
    CHECK(skopeo_digest(r.registry.address() + "/team/three:1", {"--tls-verify=false"}) == meta.digest);
}
