// One flight per key among coroutines on one executor and on executors of their own (the
// threads of streamed layers): the first caller leads, the others wait for its end, however
// it ends (done, failed, its coroutine torn down), or until their own bound or cancellation.
// Timers only, no sockets.
#include "async/single_flight.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using lading::async::single_flight;
using clock_type = std::chrono::steady_clock;

namespace {

asio::awaitable<void> pause(clock_type::duration d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

struct call_record {
    std::atomic<bool> returned{false};
    bool led = false;
    bool flight_had_ended = false;  // when the call returned
    clock_type::time_point asked{}, answered{};
    clock_type::duration took() const { return answered - asked; }
};

// Asks for `key`; a leader holds its flight for `hold` (or until `release` is cancelled),
// then sets `ended` and lets it end.
asio::awaitable<void> ask(single_flight& flights, std::string key, clock_type::duration hold,
                          clock_type::duration longest, call_record& out, std::atomic<bool>& ended,
                          asio::steady_timer* release = nullptr)
{
    out.asked = clock_type::now();
    auto lead = co_await flights.lead_or_wait(key, longest);
    out.answered = clock_type::now();
    out.led = lead.has_value();
    out.flight_had_ended = ended;
    out.returned = true;
    if (lead) {
        if (release) {
            boost::system::error_code ec;
            co_await release->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        } else {
            co_await pause(hold);
        }
        ended = true;
    }
}

void spawn_ask(asio::io_context& io, single_flight& flights, const std::string& key, clock_type::duration hold,
               clock_type::duration longest, call_record& out, std::atomic<bool>& ended)
{
    asio::co_spawn(io, ask(flights, key, hold, longest, out, ended), asio::detached);
}

}  // namespace

TEST_CASE("the first caller of a key leads its flight; callers meanwhile wait for its end", "[async]")
{
    asio::io_context io;
    single_flight flights;
    std::atomic<bool> ended{false}, other_ended{false};
    call_record first, second, third, other_key;
    spawn_ask(io, flights, "registry.test", 150ms, 10s, first, ended);
    spawn_ask(io, flights, "registry.test", 0ms, 10s, second, ended);
    spawn_ask(io, flights, "registry.test", 0ms, 10s, third, ended);
    spawn_ask(io, flights, "elsewhere.test", 0ms, 10s, other_key, other_ended);
    io.run();

    CHECK(first.led);
    CHECK_FALSE(second.led);
    CHECK_FALSE(third.led);
    CHECK(second.flight_had_ended);
    CHECK(third.flight_had_ended);
    CHECK(second.answered - first.answered >= 150ms);
    CHECK(other_key.led);  // another key does not wait
    CHECK(other_key.took() < 100ms);
    CHECK(flights.under_way() == 0);

    SECTION("once a flight ended, the next caller leads a new one")
    {
        call_record later;
        std::atomic<bool> later_ended{false};
        io.restart();
        spawn_ask(io, flights, "registry.test", 0ms, 10s, later, later_ended);
        io.run();
        CHECK(later.led);
    }
}

TEST_CASE("a caller on an executor of its own is woken by the end of a flight led elsewhere", "[async]")
{
    asio::io_context leader_io, waiter_io;
    single_flight flights;
    std::atomic<bool> ended{false};
    call_record leader, waiter;
    // The leader holds its flight until the release timer is cancelled.
    asio::steady_timer release(leader_io, clock_type::time_point::max());
    asio::co_spawn(leader_io, ask(flights, "registry.test", 0ms, 30s, leader, ended, &release), asio::detached);
    std::thread leader_thread([&] { leader_io.run(); });
    while (!leader.returned) std::this_thread::sleep_for(1ms);
    spawn_ask(waiter_io, flights, "registry.test", 0ms, 30s, waiter, ended);
    waiter_io.run_for(50ms);
    const bool waited = !waiter.returned;
    asio::post(leader_io, [&] { release.cancel(); });
    waiter_io.restart();
    waiter_io.run();
    leader_thread.join();

    CHECK(leader.led);
    CHECK(waited);
    CHECK_FALSE(waiter.led);
    CHECK(waiter.flight_had_ended);
    CHECK(waiter.took() < 5s);  // woken by the end, far within its 30 s bound
}

TEST_CASE("a flight whose leader is torn down ends: its waiters are woken", "[async]")
{
    auto leader_io = std::make_unique<asio::io_context>();
    asio::io_context waiter_io;
    single_flight flights;
    std::atomic<bool> never{false};
    call_record leader, waiter;
    // The leader holds its flight for an hour, and its io_context is destroyed meanwhile.
    spawn_ask(*leader_io, flights, "registry.test", 1h, 30s, leader, never);
    leader_io->run_for(50ms);
    REQUIRE(leader.led);
    spawn_ask(waiter_io, flights, "registry.test", 0ms, 30s, waiter, never);
    waiter_io.run_for(50ms);
    REQUIRE_FALSE(waiter.returned);
    CHECK(flights.under_way() == 1);

    leader_io.reset();  // destroys the suspended leader's frame, and with it its lead
    waiter_io.restart();
    waiter_io.run_for(5s);
    CHECK(waiter.returned);
    CHECK_FALSE(waiter.led);
    CHECK(waiter.took() < 5s);
    CHECK(flights.under_way() == 0);
}

TEST_CASE("a waiter gives up at its bound, or when it is cancelled; the flight goes on", "[async]")
{
    asio::io_context io;
    single_flight flights;
    std::atomic<bool> ended{false};
    call_record leader, bounded;
    spawn_ask(io, flights, "registry.test", 500ms, 30s, leader, ended);
    spawn_ask(io, flights, "registry.test", 0ms, 60ms, bounded, ended);

    call_record cancelled;
    asio::cancellation_signal cancel;
    asio::co_spawn(io, ask(flights, "registry.test", 0ms, 30s, cancelled, ended),
                   asio::bind_cancellation_slot(cancel.slot(), asio::detached));
    asio::steady_timer trigger(io, 100ms);
    bool under_way_at_cancel = false;
    trigger.async_wait([&](boost::system::error_code) {
        under_way_at_cancel = flights.under_way() == 1;
        cancel.emit(asio::cancellation_type::terminal);
    });
    io.run();

    CHECK(leader.led);
    CHECK_FALSE(bounded.led);
    CHECK_FALSE(bounded.flight_had_ended);
    CHECK(bounded.took() >= 60ms);
    CHECK(under_way_at_cancel);
    CHECK_FALSE(cancelled.led);
    CHECK_FALSE(cancelled.flight_had_ended);
    CHECK(ended);
    CHECK(flights.under_way() == 0);
}
