// The store survives a kill -9 in the middle of an export (no half-written index, no stale
// lock), and two exports running at the same time into one store both land.
#include <catch2/catch.hpp>

#include <csignal>
#include <set>
#include <thread>

#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/random_data.hpp"
#include "common/required_tool.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

// index.json parses (jq), a:1 is readable by skopeo with its digest, and `lading images`
// still lists it with that digest.
void check_store_still_serves(const fs::path& store, const std::string& name, const export_metadata& meta,
                              const fs::path& work) {
    auto jq = run_process({"jq", "-e", ".manifests", (store / "index.json").string()}, 1min);
    INFO(jq.describe());
    CHECK(jq.succeeded());

    const std::string ref = "oci:" + store.string() + ":" + name;
    auto inspect = run_process({"skopeo", "inspect", ref}, 2min);
    INFO(inspect.describe());
    REQUIRE(inspect.succeeded());
    CHECK(json_string(parse_json(inspect.out, "skopeo inspect"), "Digest") == meta.digest);
    auto copy = run_process(
        {"skopeo", "--insecure-policy", "copy", ref, "dir:" + (work / ("copy-" + name)).string()}, 5min);
    INFO(copy.describe());
    CHECK(copy.succeeded());

    auto list = list_images(store);
    INFO(describe_listing(list));
    auto listed = find_listed(list, name);
    REQUIRE(listed);
    CHECK(listed->digest == meta.digest);
}

}  // namespace

TEST_CASE("kill -9 during an export leaves the store readable", "[integration][crash_safety]") {
    require_tools({tools::skopeo, tools::jq});
    temp_dir work;
    const fs::path store = work / "store";
    const fs::path small = work / "small";
    make_small_tree(small);

    export_request first;
    first.layers = {small};
    first.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
    first.store = store;
    first.metadata_file = work / "a.json";
    const auto meta_a = export_ok(first);

    // ~300 MiB of incompressible data: gzip needs several seconds for it on two cores.
    const fs::path big = work / "big";
    fs::create_directories(big);
    for (int i = 0; i < 75; ++i)
        write_random_file(big / ("blob-" + std::to_string(i) + ".bin"), 4ull << 20, 1000 + i);

    export_request heavy;
    heavy.layers = {big};
    heavy.outputs = {"type=image,name=big:1,compression=gzip,oci-mediatypes=true"};
    heavy.store = store;
    heavy.metadata_file = work / "big.json";
    auto child = lading_cmd().start(export_argv(heavy), heavy.env, 5min);
    for (int i = 0; i < 12; ++i) {  // 600 ms, watching for an early exit
        std::this_thread::sleep_for(50ms);
        if (!child.running()) {
            auto r = child.wait();
            FAIL("the export of the 300 MiB tree ended before it could be killed:\n" << r.describe());
        }
    }
    REQUIRE(child.running());
    child.send_signal(SIGKILL);
    auto killed = child.wait_for(30s);
    INFO(killed.describe());
    REQUIRE(killed.term_signal == SIGKILL);

    check_store_still_serves(store, "a:1", meta_a, work.path());
    {
        auto list = list_images(store);
        INFO(describe_listing(list));
        CHECK_FALSE(find_listed(list, "big:1"));  // killed long before it could finish
    }

    // No stale lock or temp file blocks the next export.
    export_request after;
    after.layers = {small};
    after.outputs = {"type=image,name=after:1,oci-mediatypes=true"};
    after.store = store;
    after.metadata_file = work / "after.json";
    after.extra_args = {"--label", "after=crash"};
    const auto meta_after = export_ok(after);
    check_store_still_serves(store, "a:1", meta_a, work.path());
    check_store_still_serves(store, "after:1", meta_after, work.path());
}

TEST_CASE("two concurrent exports into one store both land", "[integration][crash_safety]") {
    require_tools({tools::skopeo, tools::jq});
    const auto& tree = shared_tree();

    for (const bool populated : {false, true}) {
        DYNAMIC_SECTION((populated ? "into a populated store" : "into a store that does not exist yet")) {
            temp_dir work;
            const fs::path store = work / "store";
            std::optional<export_metadata> meta_a;
            if (populated) {
                const fs::path small = work / "small";
                make_small_tree(small);
                export_request first;
                first.layers = {small};
                first.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
                first.store = store;
                first.metadata_file = work / "a.json";
                meta_a = export_ok(first);
            }

            // Same layer (written by both at once), different configs.
            auto request = [&](const std::string& n) {
                export_request req;
                req.layers = {tree.root};
                req.outputs = {"type=image,name=" + n + ":1,compression=gzip,oci-mediatypes=true"};
                req.store = store;
                req.metadata_file = work / (n + ".json");
                req.extra_args = {"--label", "variant=" + n};
                return req;
            };
            const auto r1_req = request("r1"), r2_req = request("r2");
            auto c1 = lading_cmd().start(export_argv(r1_req), r1_req.env, 5min);
            auto c2 = lading_cmd().start(export_argv(r2_req), r2_req.env, 5min);
            auto res1 = c1.wait();
            auto res2 = c2.wait();
            INFO("r1:\n" << res1.describe());
            INFO("r2:\n" << res2.describe());
            REQUIRE(res1.exit_code == 0);
            REQUIRE(res2.exit_code == 0);

            const auto m1 = read_export_metadata(r1_req.metadata_file);
            const auto m2 = read_export_metadata(r2_req.metadata_file);
            CHECK(m1.digest != m2.digest);
            check_store_still_serves(store, "r1:1", m1, work.path());
            check_store_still_serves(store, "r2:1", m2, work.path());
            if (meta_a) check_store_still_serves(store, "a:1", *meta_a, work.path());

            // Every name once in index.json.
            auto names = oci_layout(store).names();
            std::multiset<std::string> counted(names.begin(), names.end());
            CHECK(counted.count("r1:1") == 1);
            CHECK(counted.count("r2:1") == 1);
        }
    }
}
