// Blocking on a coroutine: results, failures, cancellation from another thread, and calls
// moved off the coroutine's thread. Timers only, no sockets.
#include <lading/async/run_blocking.hpp>

#include "async/blocking_call.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using lading::async::run_blocking;

namespace {

asio::awaitable<int> answer_after(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
    co_return 42;
}

asio::awaitable<void> fail() { throw std::runtime_error("failed inside"); co_return; }

}  // namespace

TEST_CASE("run_blocking returns the coroutine's result or rethrows its failure", "[async]")
{
    CHECK(run_blocking(answer_after(1ms)) == 42);
    CHECK_THROWS_WITH(run_blocking(fail()), "failed inside");
}

TEST_CASE("a stop requested from another thread cancels the work under way", "[async]")
{
    std::stop_source stop;
    auto started = std::chrono::steady_clock::now();
    std::thread requester([&] {
        std::this_thread::sleep_for(50ms);
        stop.request_stop();
    });
    CHECK_THROWS_AS(run_blocking(answer_after(30s), stop.get_token()), boost::system::system_error);
    requester.join();
    CHECK(std::chrono::steady_clock::now() - started < 10s);
}

TEST_CASE("a stop requested before the call cancels at the first suspension", "[async]")
{
    std::stop_source stop;
    stop.request_stop();
    CHECK_THROWS_AS(run_blocking(answer_after(30s), stop.get_token()), boost::system::system_error);
}

TEST_CASE("run_blocking on a caller's io_context can run it again and again", "[async]")
{
    asio::io_context io;
    std::stop_source stop;
    CHECK(run_blocking(io, answer_after(1ms), stop.get_token()) == 42);
    // A stop after the work ended does not reach the next work on the same io_context.
    stop.request_stop();
    CHECK(run_blocking(io, answer_after(1ms)) == 42);
}

TEST_CASE("a blocking call runs on the pool and resumes on the coroutine's thread", "[async]")
{
    asio::thread_pool pool(1);
    const auto caller = std::this_thread::get_id();
    auto work = [&]() -> asio::awaitable<bool> {
        auto ran_on = co_await lading::async::blocking_call(pool.get_executor(), [] { return std::this_thread::get_id(); });
        co_return ran_on != caller && std::this_thread::get_id() == caller;
    };
    CHECK(run_blocking(work()));
    CHECK_THROWS_WITH(run_blocking(lading::async::blocking_call(pool.get_executor(), []() -> int { throw std::runtime_error("store read failed"); })),
                      "store read failed");
}

TEST_CASE("a blocking call beside an operation that fails is waited for, never cancelled across threads", "[async]")
{
    // The upload loop's shape: a socket write && the next chunk's read on a pool. When the
    // write fails, the group must neither race the pool thread with a cancellation (a
    // use-after-free the sanitizer run reports) nor resume before the read has returned.
    using namespace asio::experimental::awaitable_operators;
    asio::thread_pool pool(2);
    for (int round = 0; round < 300; ++round) {
        std::atomic<bool> returned{false};
        auto read_next = lading::async::blocking_call(pool.get_executor(), [&returned, round] {
            if (round % 2) std::this_thread::sleep_for(50us);
            returned = true;
            return 1;
        });
        auto both = [](asio::awaitable<int> read) -> asio::awaitable<void> {
            co_await (fail() && std::move(read));
        };
        CHECK_THROWS_WITH(run_blocking(both(std::move(read_next))), "failed inside");
        CHECK(returned);
    }
}
