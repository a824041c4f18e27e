// One transfer per blob and repository among the pushes sharing a table: the first caller
// transfers, the others wait for it and share its outcome; other blobs and repositories go
// their own way at once. Callers on one executor, and on executors of their own run by their
// own threads (bake targets). Timers only, no sockets.
#include <lading/registry/blob_transfers.hpp>

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
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

namespace {

// An io_context run by a thread of its own until `stop` or destruction, as each bake target's
// export runs its pushes.
class executor_thread {
public:
    executor_thread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
    ~executor_thread() { stop(); }
    asio::io_context& io() { return io_; }
    void stop()
    {
        work_.reset();
        if (thread_.joinable()) thread_.join();
    }

private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::thread thread_;
};

template <typename Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds limit = 5000ms)
{
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// A transfer's end, given by the test: a transfer waiting here is seen under way, and a
// second caller comes while it is, however slowly the threads are scheduled.
struct gate {
    std::atomic<bool> open{false};
    asio::awaitable<void> passed() const
    {
        while (!open) co_await pause(1ms);
    }
    // Opens once `started` is set and the caller had time to reach the table.
    void open_after(const std::atomic<bool>& started)
    {
        wait_until([&] { return started.load(); });
        std::this_thread::sleep_for(50ms);
        open = true;
    }
};

struct threaded_result {
    std::atomic<bool> ended{false};
    bool transferred = false;
    std::string failure;
};

asio::awaitable<void> threaded_caller(blob_transfers& table, digest d, std::function<asio::awaitable<void>()> transfer,
                                      threaded_result& out)
{
    try {
        out.transferred = co_await table.once("registry.test", "team/app", d, transfer);
    } catch (const std::exception& e) {
        out.failure = e.what();
    }
    out.ended = true;
}

}  // namespace

TEST_CASE("pushes on executors of their own send a shared blob once", "[registry][push]")
{
    blob_transfers table;
    const auto layer = digest::of("layer of two targets");
    std::atomic<int> transfers{0};
    std::atomic<bool> transfer_ended{false};
    gate end;
    auto slow_transfer = [&]() -> asio::awaitable<void> {
        ++transfers;
        co_await end.passed();
        transfer_ended = true;
    };
    threaded_result first, second;
    bool second_saw_the_end = false;
    std::atomic<bool> second_started{false};
    {
        executor_thread one, two;
        asio::co_spawn(one.io(), threaded_caller(table, layer, slow_transfer, first), asio::detached);
        REQUIRE(wait_until([&] { return table.under_way("registry.test", "team/app", layer); }));
        asio::co_spawn(two.io(), [&]() -> asio::awaitable<void> {
            second_started = true;
            co_await threaded_caller(table, layer, slow_transfer, second);
            second_saw_the_end = transfer_ended;
        }, asio::detached);
        end.open_after(second_started);
        REQUIRE(wait_until([&] { return first.ended && second.ended; }));
    }
    CHECK(transfers == 1);
    CHECK(first.transferred);
    CHECK(first.failure.empty());
    CHECK_FALSE(second.transferred);
    CHECK(second.failure.empty());
    CHECK(second_saw_the_end);
}

TEST_CASE("a failed transfer fails its waiters, and a later caller tries anew", "[registry][push]")
{
    blob_transfers table;
    const auto layer = digest::of("layer refused once");
    std::atomic<int> transfers{0};
    gate refusal;
    auto refused_once = [&]() -> asio::awaitable<void> {
        const int n = ++transfers;
        if (n != 1) co_return;
        co_await refusal.passed();
        throw lading::error("registry refused the layer");
    };
    threaded_result first, waiter, later;
    std::atomic<bool> waiter_started{false};
    {
        executor_thread one, two;
        asio::co_spawn(one.io(), threaded_caller(table, layer, refused_once, first), asio::detached);
        REQUIRE(wait_until([&] { return table.under_way("registry.test", "team/app", layer); }));
        asio::co_spawn(two.io(), [&]() -> asio::awaitable<void> {
            waiter_started = true;
            co_await threaded_caller(table, layer, refused_once, waiter);
        }, asio::detached);
        refusal.open_after(waiter_started);
        REQUIRE(wait_until([&] { return first.ended && waiter.ended; }));
        asio::co_spawn(two.io(), threaded_caller(table, layer, refused_once, later), asio::detached);
        REQUIRE(wait_until([&] { return later.ended.load(); }));
    }
    CHECK(first.failure == "registry refused the layer");
    CHECK(waiter.failure == "registry refused the layer");
    CHECK(later.failure.empty());
    CHECK(later.transferred);
    CHECK(transfers == 2);
}

TEST_CASE("a push that is stopped mid-transfer does not fail the others waiting for the blob", "[registry][push]")
{
    blob_transfers table;
    const auto layer = digest::of("layer of a stopped target");
    std::atomic<int> transfers{0};
    gate stop;
    auto stopped_first = [&]() -> asio::awaitable<void> {
        const int n = ++transfers;
        if (n != 1) co_return;
        co_await stop.passed();
        throw lading::error(lading::registry::errc::interrupted, "push interrupted");
    };
    threaded_result first, waiter;
    std::atomic<bool> waiter_started{false};
    {
        executor_thread one, two;
        asio::co_spawn(one.io(), threaded_caller(table, layer, stopped_first, first), asio::detached);
        REQUIRE(wait_until([&] { return table.under_way("registry.test", "team/app", layer); }));
        asio::co_spawn(two.io(), [&]() -> asio::awaitable<void> {
            waiter_started = true;
            co_await threaded_caller(table, layer, stopped_first, waiter);
        }, asio::detached);
        stop.open_after(waiter_started);
        REQUIRE(wait_until([&] { return first.ended && waiter.ended; }));
    }
    CHECK(first.failure == "push interrupted");
    CHECK(waiter.failure.empty());
    CHECK(waiter.transferred);  // it took the transfer over
    CHECK(transfers == 2);
}

TEST_CASE("a push torn down while it transfers or waits leaves the table usable", "[registry][push]")
{
    blob_transfers table;
    const auto layer = digest::of("layer of a torn-down target");
    std::atomic<int> transfers{0};
    auto long_transfer = [&]() -> asio::awaitable<void> {
        ++transfers;
        co_await pause(10min);
    };
    auto quick_transfer = [&]() -> asio::awaitable<void> {
        ++transfers;
        co_await pause(5ms);
    };
    threaded_result waiter;
    executor_thread survivor;
    {
        // The transferring coroutine's io_context is destroyed with the coroutine suspended.
        asio::io_context torn_down;
        threaded_result owner;
        asio::co_spawn(torn_down, threaded_caller(table, layer, long_transfer, owner), asio::detached);
        torn_down.run_for(20ms);
        REQUIRE(table.under_way("registry.test", "team/app", layer));
        asio::co_spawn(survivor.io(), threaded_caller(table, layer, quick_transfer, waiter), asio::detached);
        std::this_thread::sleep_for(20ms);
        CHECK_FALSE(waiter.ended);
    }
    // The abandoned transfer counts as interrupted: the waiter takes it over.
    REQUIRE(wait_until([&] { return waiter.ended.load(); }));
    CHECK(waiter.failure.empty());
    CHECK(waiter.transferred);
    CHECK(transfers == 2);

    // A waiter torn down before the transfer ends is forgotten: the transfer's end wakes no
    // coroutine of a destroyed io_context.
    const auto other = digest::of("another layer");
    threaded_result owner;
    gate owner_done;
    asio::co_spawn(survivor.io(), threaded_caller(table, other, [&]() -> asio::awaitable<void> {
        co_await owner_done.passed();
    }, owner), asio::detached);
    REQUIRE(wait_until([&] { return table.under_way("registry.test", "team/app", other); }));
    {
        asio::io_context torn_down;
        threaded_result gone;
        asio::co_spawn(torn_down, threaded_caller(table, other, quick_transfer, gone), asio::detached);
        torn_down.run_for(10ms);
        CHECK_FALSE(gone.ended);
    }
    owner_done.open = true;
    REQUIRE(wait_until([&] { return owner.ended.load(); }));
    CHECK(owner.transferred);
    CHECK(owner.failure.empty());
}

TEST_CASE("a waiting push that is cancelled ends as interrupted, the transfer goes on", "[registry][push]")
{
    asio::io_context io;
    blob_transfers table;
    const auto layer = digest::of("layer of a cancelled waiter");
    int transfers = 0;
    auto slow_transfer = [&]() -> asio::awaitable<void> {
        ++transfers;
        co_await pause(40ms);
    };
    caller_result owner, waiter;
    call_once(io, table, "team/app", layer, slow_transfer, owner);
    asio::cancellation_signal cancel;
    asio::co_spawn(io, caller(table, "team/app", layer, slow_transfer, waiter, no_watch),
                   asio::bind_cancellation_slot(cancel.slot(), asio::detached));
    asio::steady_timer soon(io, 10ms);
    soon.async_wait([&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
    io.run();
    CHECK(owner.transferred);
    CHECK(owner.failure.empty());
    CHECK(waiter.ended);
    CHECK(waiter.failure.find("interrupted") != std::string::npos);
    CHECK(transfers == 1);
}

namespace {

asio::awaitable<void> ask_holder(blob_transfers& table, std::string repository, digest d,
                                 std::optional<std::string>& holder, bool& answered)
{
    holder = co_await table.earlier_holder("registry.test", repository, d);
    answered = true;
}

}  // namespace

TEST_CASE("a blob sent to one repository is lent to another of the same registry", "[registry][push]")
{
    asio::io_context io;
    blob_transfers table;
    const auto layer = digest::of("layer of two repositories");
    bool first_ended = false;
    auto first_transfer = [&]() -> asio::awaitable<void> {
        co_await pause(30ms);
        first_ended = true;
    };
    caller_result first, second;
    std::optional<std::string> holder;
    bool answered = false, ended_before_answer = false;
    call_once(io, table, "team/one", layer, first_transfer, first);
    // The second repository's transfer began later: it waits for the first, then names it.
    call_once(io, table, "team/two", layer, [&]() -> asio::awaitable<void> {
        co_await ask_holder(table, "team/two", layer, holder, answered);
        ended_before_answer = first_ended;
    }, second);
    io.run();
    CHECK(first.transferred);
    CHECK(second.transferred);
    REQUIRE(answered);
    CHECK(holder == std::optional<std::string>("team/one"));
    CHECK(ended_before_answer);

    // Nobody lends what no earlier transfer sent, nor a repository its own blob, nor another
    // registry's repository.
    std::optional<std::string> none = "unset";
    answered = false;
    asio::co_spawn(io, ask_holder(table, "team/one", digest::of("another layer"), none, answered), asio::detached);
    io.restart();
    io.run();
    CHECK(answered);
    CHECK_FALSE(none);
    bool answered_elsewhere = false;
    std::optional<std::string> elsewhere = "unset";
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        elsewhere = co_await table.earlier_holder("other.test", "team/three", layer);
        answered_elsewhere = true;
    }, asio::detached);
    io.restart();
    io.run();
    CHECK(answered_elsewhere);
    CHECK_FALSE(elsewhere);
}

TEST_CASE("a failed earlier transfer lends nothing; a later one never waits for a younger one", "[registry][push]")
{
    asio::io_context io;
    blob_transfers table;
    const auto layer = digest::of("layer refused in one repository");
    caller_result first, second, third;
    std::optional<std::string> second_holder = "unset", first_holder = "unset";
    bool second_answered = false, first_answered = false;
    call_once(io, table, "team/one", layer, [&]() -> asio::awaitable<void> {
        // The oldest transfer asks too: it must not wait for the younger ones.
        co_await ask_holder(table, "team/one", layer, first_holder, first_answered);
        co_await pause(20ms);
        throw lading::error("registry refused the layer");
    }, first);
    call_once(io, table, "team/two", layer, [&]() -> asio::awaitable<void> {
        co_await ask_holder(table, "team/two", layer, second_holder, second_answered);
    }, second);
    call_once(io, table, "team/three", layer, [&]() -> asio::awaitable<void> { co_await pause(40ms); }, third);
    io.run();
    CHECK(first.failure == "registry refused the layer");
    REQUIRE(first_answered);
    CHECK_FALSE(first_holder);
    REQUIRE(second_answered);
    CHECK_FALSE(second_holder);  // team/one failed; team/three began later
    CHECK(second.transferred);
    CHECK(third.transferred);
}
