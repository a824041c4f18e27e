#include <lading/export/thread_budget.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using lading::thread_budget;

TEST_CASE("a share takes the free threads, at most as many as asked", "[thread_budget]")
{
    thread_budget budget(4);
    auto a = budget.take(3);
    CHECK(a.threads() == 3);
    auto b = budget.take(3);
    CHECK(b.threads() == 1);  // only one was left
    CHECK(budget.peak() == 4);
    {
        auto moved = std::move(b);
        CHECK(moved.threads() == 1);
    }
    auto c = budget.take(8);
    CHECK(c.threads() == 1);  // `moved` gave its thread back, `a` still holds three
}

TEST_CASE("a budget of 0 threads is one thread", "[thread_budget]")
{
    thread_budget budget(0);
    CHECK(budget.size() == 1);
    CHECK(budget.take(0).threads() == 1);
}

TEST_CASE("take waits until a share is given back", "[thread_budget]")
{
    thread_budget budget(1);
    std::atomic<bool> second_taken{false};
    std::thread other;
    {
        auto first = budget.take(1);
        other = std::thread([&] {
            auto second = budget.take(1);
            second_taken = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK_FALSE(second_taken);
    }
    other.join();
    CHECK(second_taken);
    CHECK(budget.peak() == 1);
}

TEST_CASE("threads taking and giving back never hold more than the budget", "[thread_budget]")
{
    thread_budget budget(3);
    std::atomic<int> held{0};
    std::atomic<int> most_held{0};
    std::vector<std::thread> takers;
    for (int t = 0; t < 8; ++t)
        takers.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                auto share = budget.take(1 + (t + i) % 3);
                int now = held += static_cast<int>(share.threads());
                int seen = most_held;
                while (now > seen && !most_held.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::yield();
                held -= static_cast<int>(share.threads());
            }
        });
    for (auto& t : takers) t.join();
    CHECK(most_held <= 3);
    CHECK(budget.peak() <= 3);
    CHECK(budget.peak() >= 1);
}
