// async_push_images on calls that need no registry: no jobs, and settings it refuses. Each
// runs on an io_context for a bounded time, so a call that never ends fails the test instead
// of hanging it. No sockets.
#include <lading/registry/pusher.hpp>

#include <lading/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace lading::registry;

namespace {

struct push_outcome {
    bool ended = false;
    std::optional<push_report> report;
    std::string failure;  // empty: none
    bool usage_error = false;
};

// A coroutine's parameters live in its frame (a lambda's captures would not).
asio::awaitable<void> push(const std::vector<push_job>& jobs, push_settings settings, lading::progress_listener& progress,
                           push_outcome& out)
{
    try {
        out.report = co_await async_push_images(jobs, settings, progress);
    } catch (const lading::usage_error& e) {
        out.failure = e.what();
        out.usage_error = true;
    } catch (const std::exception& e) {
        out.failure = e.what();
    }
    out.ended = true;
}

// Declared before the io_context, everything the push refers to outlives its frames.
push_outcome push_for_a_while(const std::vector<push_job>& jobs, const push_settings& settings)
{
    lading::progress_listener quiet;
    push_outcome out;
    {
        asio::io_context io;
        asio::co_spawn(io, push(jobs, settings, quiet, out), asio::detached);
        io.run_for(5s);
    }
    return out;
}

}  // namespace

TEST_CASE("a push of no images ends at once and reports nothing sent", "[registry][push]")
{
    const auto out = push_for_a_while({}, push_settings{});
    REQUIRE(out.ended);
    CHECK(out.failure.empty());
    REQUIRE(out.report);
    CHECK(out.report->blobs_uploaded == 0);
    CHECK(out.report->blobs_skipped == 0);
    CHECK(out.report->blobs_mounted == 0);
}

TEST_CASE("parallel_uploads 0 is refused before anything is read", "[registry][push]")
{
    push_settings settings;
    settings.parallel_uploads = 0;
    const auto out = push_for_a_while({}, settings);
    REQUIRE(out.ended);
    CHECK(out.usage_error);
    CHECK(out.failure.find("parallel_uploads") != std::string::npos);
}
