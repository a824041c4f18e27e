// The process's table of Bearer tokens shared between registry sessions: found under their
// key only, until they expire, bounded, and safe to use from several threads.
#include "registry/shared_tokens.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using namespace lading::registry;
using namespace std::chrono_literals;

TEST_CASE("shared tokens are found under their key until they expire", "[registry]")
{
    shared_tokens table;
    const auto now = shared_tokens::clock::now();
    table.keep("key a", {"token a", now + 60s}, now);
    CHECK(table.find("key a", now)->token == "token a");
    CHECK_FALSE(table.find("key b", now));
    CHECK_FALSE(table.find("key a", now + 60s));
    table.keep("key a", {"newer", now + 120s}, now);
    CHECK(table.find("key a", now + 60s)->token == "newer");
}

TEST_CASE("the shared token table stays bounded and takes tokens from many threads", "[registry]")
{
    shared_tokens table;
    const auto now = shared_tokens::clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 1000; ++i) {
                const auto key = std::to_string(t) + "/" + std::to_string(i);
                table.keep(key, {key, now + std::chrono::seconds(100 + i)}, now);
                (void)table.find(key, now);
            }
        });
    for (auto& t : threads) t.join();
    std::size_t found = 0;
    for (int t = 0; t < 4; ++t)
        for (int i = 0; i < 1000; ++i) found += table.find(std::to_string(t) + "/" + std::to_string(i), now).has_value();
    CHECK(found == shared_tokens::limit);
    // Past the bound, the one that expires first goes.
    CHECK(table.find("0/999", now));
    CHECK_FALSE(table.find("0/0", now));
}
