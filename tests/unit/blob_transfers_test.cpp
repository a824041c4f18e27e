// One transfer per blob and repository within a push: the first caller transfers, the others
// wait for it and share its outcome; other blobs and repositories go their own way at once.
// Timers only, no sockets.
#include "registry/blob_transfers.hpp"

#include <lading/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using lading::digest;
using lading::registry::blob_transfers;

namespace {

struct caller_result {
    bool transferred = false;
    std::string failure;  // empty: none
    bool ended = false;
    bool transfer_had_ended = false;  // when this caller returned
};

asio::awaitable<void> pause(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
}

bool no_watch = false;

// A coroutine's parameters live in its frame (a lambda's captures would not).
asio::awaitable<void> caller(blob_transfers& table, std::string repository, digest d,
                             std::function<asio::awaitable<void>()> transfer, caller_result& out,
                             const bool& transfer_ended)
{
    try {
        out.transferred = co_await table.once("registry.test", repository, d, transfer);
    } catch (const std::exception& e) {
        out.failure = e.what();
    }
    out.ended = true;
    out.transfer_had_ended = transfer_ended;
}

asio::awaitable<void> look_after(std::chrono::milliseconds d, const blob_transfers& table, digest blob, bool& under_way)
{
    co_await pause(d);
    under_way = table.under_way("registry.test", "team/app", blob);
}

// Calls table.once for (repository, d) in a coroutine of its own on `io`; `transfer_ended` is
// read when the call returns.
void call_once(asio::io_context& io, blob_transfers& table, const std::string& repository, const digest& d,
               std::function<asio::awaitable<void>()> transfer, caller_result& out,
               const bool& transfer_ended = no_watch)
{
    asio::co_spawn(io, caller(table, repository, d, std::move(transfer), out, transfer_ended), asio::detached);
}

}  // namespace

TEST_CASE("a blob is transferred to a repository once; later callers wait for that transfer", "[registry][push]")
{
    asio::io_context io;
    blob_transfers table;
    const auto layer = digest::of("shared layer");
    int transfers = 0;
    bool transfer_ended = false;
    auto slow_transfer = [&]() -> asio::awaitable<void> {
        ++transfers;
        co_await pause(30ms);
        transfer_ended = true;
    };
    std::vector<caller_result> results(3);
    for (std::size_t i = 0; i < results.size(); ++i) call_once(io, table, "team/app", layer, slow_transfer, results[i], transfer_ended);
    // A probe that looks while the first transfer is under way.
    bool seen_under_way = false;
    asio::co_spawn(io, look_after(5ms, table, layer, seen_under_way), asio::detached);
    io.run();

    CHECK(transfers == 1);
    CHECK(seen_under_way);
    CHECK_FALSE(table.under_way("registry.test", "team/app", layer));
    CHECK(results[0].transferred);
    for (const auto& r : results) {
        CHECK(r.ended);
        CHECK(r.failure.empty());
        CHECK(r.transfer_had_ended);
    }
    CHECK_FALSE(results[1].transferred);
    CHECK_FALSE(results[2].transferred);

    // Once it is done, a later caller neither transfers nor waits.
    caller_result later;
    call_once(io, table, "team/app", layer, slow_transfer, later);
    io.restart();
    io.run();
    CHECK(later.ended);
    CHECK_FALSE(later.transferred);
    CHECK(transfers == 1);
}

TEST_CASE("callers waiting for a blob's transfer share its failure", "[registry][push]")
{
    asio::io_context io;
    blob_transfers table;
    const auto layer = digest::of("refused layer");
    int transfers = 0;
    auto refused = [&]() -> asio::awaitable<void> {
        ++transfers;
        co_await pause(10ms);
        throw lading::error("registry refused the layer");
    };
    std::vector<caller_result> results(3);
    for (auto& r : results) call_once(io, table, "team/app", layer, refused, r);
    io.run();
    CHECK(transfers == 1);
    for (const auto& r : results) CHECK(r.failure == "registry refused the layer");
}

TEST_CASE("other blobs and other repositories are transferred side by side", "[registry][push]")
{
    asio::io_context io;
    blob_transfers table;
    const auto a = digest::of("layer a");
    const auto b = digest::of("layer b");
    int running = 0, most_running = 0, transfers = 0;
    auto transfer = [&]() -> asio::awaitable<void> {
        ++transfers;
        most_running = std::max(most_running, ++running);
        co_await pause(20ms);
        --running;
    };
    std::vector<caller_result> results(3);
    call_once(io, table, "team/app", a, transfer, results[0]);
    call_once(io, table, "team/app", b, transfer, results[1]);
    call_once(io, table, "team/other", a, transfer, results[2]);
    io.run();
    CHECK(transfers == 3);
    CHECK(most_running == 3);
    for (const auto& r : results) CHECK(r.transferred);
}
