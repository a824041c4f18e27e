// lading as a library: install it into a fresh prefix, build tests/embedder against that
// prefix alone (find_package(lading)), and let the program export and push an image to a
// real docker-registry. The image must be the one the lading binary makes of the same tree,
// and skopeo must read it back from the registry.
#include <catch2/catch.hpp>

#include "common/temp_dir.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <sstream>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

process_result run_step(std::vector<std::string> argv)
{
    auto r = run_process(process_options{.argv = std::move(argv), .timeout = std::chrono::minutes(10)});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    return r;
}

}  // namespace

TEST_CASE("a program built against the installed package exports and pushes an image", "[registry][embedder]")
{
    temp_dir work;
    const auto prefix = work / "prefix";
    run_step({"cmake", "--install", LADING_BUILD_DIR, "--prefix", prefix.string()});
    // Only the public API is installed: no internal header reaches an embedder.
    CHECK(fs::exists(prefix / "include/lading/export/exporter.hpp"));
    CHECK_FALSE(fs::exists(prefix / "include/lading/tar"));
    CHECK_FALSE(fs::exists(prefix / "include/lading/registry/session.hpp"));

    const auto build = work / "embedder-build";
    run_step({"cmake", "-S", LADING_EMBEDDER_SOURCE_DIR, "-B", build.string(), "-G", "Ninja",
              "-DCMAKE_PREFIX_PATH=" + prefix.string(), "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"});
    run_step({"cmake", "--build", build.string()});

    registry_server registry;
    make_small_tree(work / "tree");
    const auto ref = registry.address() + "/embedded/demo:1";
    auto embedded = run_step({(build / "embedded_export").string(), (work / "tree").string(),
                              (work / "store").string(), ref});
    std::istringstream printed(embedded.out);
    std::string digest;
    unsigned pushed_blobs = 0;
    printed >> digest >> pushed_blobs;
    CHECK(pushed_blobs == 2);  // its config and its one layer

    CHECK(skopeo_digest(ref, {"--tls-verify=false"}) == digest);

    export_request same;
    same.layers = {work / "tree"};
    same.outputs = {"type=image,name=made-by-the-cli"};
    same.store = work / "cli-store";
    same.metadata_file = work / "cli.json";
    same.env["SOURCE_DATE_EPOCH"] = "1700000000";
    CHECK(export_ok(same).digest == digest);
}
