// LADING_THREADS sizes one thread budget per export: the digests never depend on it, and
// the threads of a running export stay within what the budget allows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;

namespace {

std::size_t thread_count(pid_t pid)
{
    std::error_code ec;
    std::size_t n = 0;
    for (fs::directory_iterator it(fs::path("/proc") / std::to_string(pid) / "task", ec), end; !ec && it != end;
         it.increment(ec))
        ++n;
    return n;
}

struct sampled_export {
    export_metadata metadata;
    std::size_t most_threads = 0;
};

// Runs the export while counting the process's threads every millisecond or so.
sampled_export export_sampling_threads(const export_request& req)
{
    auto child = lading_cmd().start(export_argv(req), req.env);
    sampled_export out;
    while (child.running()) {
        out.most_threads = std::max(out.most_threads, thread_count(child.pid()));
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    auto r = child.wait();
    require_success(r);
    out.metadata = read_export_metadata(req.metadata_file);
    return out;
}

}  // namespace

TEST_CASE("the thread budget changes neither digests nor the bound on threads", "[integration][budget]")
{
    temp_dir work;
    // 32 MiB of compressible text: several zstd jobs and many gzip chunks per layer.
    const auto big = create_tree_fixture(work / "big", {.seed = 5, .bulk_text_size = 32ull << 20});
    make_small_tree(work / "small");
    const std::size_t layers = 2;

    for (const std::string compression : {"zstd", "gzip"}) {
        DYNAMIC_SECTION("compression=" << compression) {
            std::string first_digest;
            for (const unsigned budget : {1u, 2u, 8u}) {
                const auto tag = compression + "-" + std::to_string(budget);
                export_request req{
                    .layers = {big.root, work / "small"},
                    .outputs = {"type=image,name=budget:1,compression=" + compression + ",oci-mediatypes=true"},
                    .store = work / ("store-" + tag),
                    .metadata_file = work / ("metadata-" + tag + ".json"),
                    .env = {{"SOURCE_DATE_EPOCH", "1700000000"}, {"LADING_THREADS", std::to_string(budget)}},
                };
                const auto run = export_sampling_threads(req);
                INFO("LADING_THREADS=" << budget << ": " << run.metadata.digest << ", at most " << run.most_threads
                                       << " threads");
                if (first_digest.empty()) first_digest = run.metadata.digest;
                CHECK(run.metadata.digest == first_digest);
                // The main thread; with more than one job at once, one thread per running job;
                // each running job's tree walk and read-ahead; and the compressor workers,
                // whose shares together never exceed the budget.
                const std::size_t jobs_at_once = std::min<std::size_t>(layers, budget);
                const std::size_t job_threads = jobs_at_once > 1 ? jobs_at_once : 0;
                CHECK(run.most_threads >= 2);  // the sampling saw the export at work
                CHECK(run.most_threads <= 1 + job_threads + 2 * jobs_at_once + budget);
            }
        }
    }
}

TEST_CASE("uncompressed layers take one thread each, so they are built side by side", "[integration][budget]")
{
    temp_dir work;
    // Large enough that the first copy is still running when the second could start.
    const auto one = create_tree_fixture(work / "one", {.seed = 7, .bulk_text_size = 64ull << 20});
    const auto two = create_tree_fixture(work / "two", {.seed = 8, .bulk_text_size = 64ull << 20});
    export_request req{
        .layers = {one.root, two.root},
        .outputs = {"type=image,name=copies:1,compression=uncompressed"},
        .store = work / "store",
        .env = {{"SOURCE_DATE_EPOCH", "1700000000"}, {"LADING_THREADS", "2"}},
        .progress = "plain",
    };
    auto r = run_export(req);
    require_success(r);
    INFO(r.err);
    // Plain progress: "#N layer PATH (uncompressed): started", later "...: ... done sha256:...".
    const auto second_started = r.err.find("#2 layer ");
    const auto first_done = r.err.find(" done sha256:");
    REQUIRE(second_started != std::string::npos);
    REQUIRE(first_done != std::string::npos);
    CHECK(second_started < first_done);
}
