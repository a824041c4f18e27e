#include <lading/error.hpp>
#include "stream/read_ahead_source.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace lading;

namespace {

// Hands out `total` bytes counting up from 0, `step` at a time, then fails if asked to.
class counting_source : public byte_source {
public:
    counting_source(std::size_t total, std::size_t step, bool fail_at_end = false)
        : total_(total), step_(step), fail_at_end_(fail_at_end)
    {
    }
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        if (pos_ == total_ && fail_at_end_) throw error("the source broke");
        auto n = std::min({buf.size(), step_, total_ - pos_});
        for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<std::uint8_t>(pos_++ % 251);
        return n;
    }

private:
    std::size_t total_, step_, pos_ = 0;
    bool fail_at_end_;
};

std::vector<std::uint8_t> expected(std::size_t total)
{
    std::vector<std::uint8_t> v(total);
    for (std::size_t i = 0; i < total; ++i) v[i] = static_cast<std::uint8_t>(i % 251);
    return v;
}

}  // namespace

TEST_CASE("read-ahead hands out every byte in order, however it is read", "[read_ahead]")
{
    const std::size_t total = 100'003;
    for (std::size_t read_size : {1u, 999u, 4096u, 200'000u}) {
        counting_source inner(total, 777);
        std::vector<std::uint8_t> seen;
        std::vector<std::uint8_t> hashed;
        {
            read_ahead_source ahead(inner, 4096, 3, [&](std::span<const std::uint8_t> c) {
                hashed.insert(hashed.end(), c.begin(), c.end());
            });
            std::vector<std::uint8_t> buf(read_size);
            while (auto n = ahead.read(buf)) seen.insert(seen.end(), buf.begin(), buf.begin() + n);
        }
        CHECK(seen == expected(total));
        CHECK(hashed == expected(total));  // every chunk passed on_chunk once, in order
    }
}

TEST_CASE("read-ahead lends its chunks without a copy", "[read_ahead]")
{
    counting_source inner(50'000, 300);
    read_ahead_source ahead(inner, 8192, 2);
    std::vector<std::uint8_t> seen;
    for (auto c = ahead.next_chunk(); !c.empty(); c = ahead.next_chunk()) {
        CHECK(c.size() <= 8192);
        seen.insert(seen.end(), c.begin(), c.end());
    }
    CHECK(seen == expected(50'000));
    CHECK(ahead.next_chunk().empty());
}

TEST_CASE("read-ahead passes the source's error on after the bytes before it", "[read_ahead]")
{
    counting_source inner(10'000, 1000, true);
    read_ahead_source ahead(inner, 4096, 2);
    std::vector<std::uint8_t> buf(3000);
    std::size_t got = 0;
    CHECK_THROWS_WITH(
        [&] {
            while (auto n = ahead.read(buf)) got += n;
        }(),
        Catch::Contains("the source broke"));
    CHECK(got == 10'000);
}

TEST_CASE("read-ahead dropped before the end stops its thread", "[read_ahead]")
{
    counting_source inner(1u << 30, 1 << 16);  // far more than is ever read
    read_ahead_source ahead(inner, 1 << 16, 2);
    std::vector<std::uint8_t> buf(100);
    CHECK(ahead.read(buf) == 100);
}
