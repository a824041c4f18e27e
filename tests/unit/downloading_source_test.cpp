// The source that hands a download to a reader through a bounded queue: bytes in order,
// failures after the bytes that came before them, and a reader that stops early.
#include <catch2/catch.hpp>

#include "imagetools/downloading_source.hpp"

#include <lading/error.hpp>

#include <atomic>
#include <numeric>

using lading::imagetools::downloading_source;

namespace {

std::vector<std::uint8_t> pattern(std::size_t n)
{
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    return v;
}

}  // namespace

TEST_CASE("a downloading source yields the download's bytes in order, with a small queue", "[imagetools]")
{
    const auto bytes = pattern(1 << 20);
    downloading_source source(
        [&](const downloading_source::chunk_sink& sink) {
            for (std::size_t at = 0; at < bytes.size(); at += 1000)
                sink(bytes.data() + at, std::min<std::size_t>(1000, bytes.size() - at));
        },
        4096);
    std::vector<std::uint8_t> got, buf(777);
    while (auto n = source.read(buf)) got.insert(got.end(), buf.begin(), buf.begin() + n);
    CHECK(got == bytes);
    CHECK(source.read(buf) == 0);
}

TEST_CASE("a download's failure comes out of read after the bytes before it", "[imagetools]")
{
    downloading_source source([](const downloading_source::chunk_sink& sink) {
        const std::uint8_t some[3] = {1, 2, 3};
        sink(some, 3);
        throw lading::error("blob arrived with other content than its digest says");
    });
    std::vector<std::uint8_t> buf(16);
    CHECK(source.read(buf) == 3);
    CHECK_THROWS_WITH(source.read(buf), Catch::Contains("other content"));
}

TEST_CASE("a reader that stops early ends the download", "[imagetools]")
{
    std::atomic<bool> ended{false};
    {
        downloading_source source(
            [&](const downloading_source::chunk_sink& sink) {
                const auto chunk = pattern(1024);
                try {
                    for (;;) sink(chunk.data(), chunk.size());  // endless unless stopped
                } catch (...) {
                    ended = true;
                    throw;
                }
            },
            2048);
        std::vector<std::uint8_t> buf(100);
        CHECK(source.read(buf) == 100);
    }
    CHECK(ended);
}
