// A plugin built only against abi.h and the SDK, from its own directory, is found with
// --plugin-path, listed, and used for a real export that skopeo and umoci read back; a
// plugin built for another ABI is refused with its file and both ABI versions named.
#include <catch2/catch.hpp>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

using namespace lading::test;

namespace {
const std::string outside_dir = LADING_OUTSIDE_PLUGIN_DIR;
}

TEST_CASE("an outside author's compressor plugin is loaded and used", "[integration][plugins]")
{
    temp_dir dir;
    auto listing = lading_cmd().run({"plugins", "--plugin-path", outside_dir});
    // The future-ABI plugin in the same directory makes the listing report a problem...
    CHECK(listing.exit_code == 1);
    CHECK(listing.err.find("liblading-compressor-future.so has ABI version 99") != std::string::npos);
    CHECK(listing.err.find("lading expects ABI version 1") != std::string::npos);
    // ...while every usable plugin is still listed, the outside one included.
    auto plugins = parse_plugin_listing(listing.out);
    bool found = false;
    for (const auto& p : plugins)
        if (p.kind == "compressor" && p.name == "outside-gzip") {
            found = true;
            CHECK(p.version == "0.0.1");
            CHECK(p.abi == "1");
            CHECK(p.file == outside_dir + "/liblading-compressor-outside-gzip.so");
        }
    CHECK(found);

    auto tree = dir.path() / "tree";
    make_small_tree(tree);
    export_request req{
        .layers = {tree},
        .outputs = {"type=image,name=outside:1,compression=outside-gzip,compression-level=9,oci-mediatypes=true"},
        .store = dir.path() / "store",
        .metadata_file = dir.path() / "meta.json",
        .extra_args = {"--plugin-path", outside_dir},
    };
    auto meta = export_ok(req);
    CHECK(meta.digest.rfind("sha256:", 0) == 0);

    auto inspect = run_process({"skopeo", "inspect", "--raw", "oci:" + req.store.string() + ":outside:1"});
    REQUIRE(inspect.exit_code == 0);
    CHECK(inspect.out.find("application/vnd.oci.image.layer.v1.tar+gzip") != std::string::npos);
    auto unpack = run_process({"umoci", "unpack", "--rootless", "--image", req.store.string() + ":outside:1",
                               (dir.path() / "bundle").string()});
    INFO(unpack.err);
    CHECK(unpack.exit_code == 0);

    // An out-of-range level is checked against the plugin's own range before any work.
    req.outputs = {"type=image,name=outside:2,compression=outside-gzip,compression-level=0,oci-mediatypes=true"};
    auto bad = run_export(req);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("out of range for outside-gzip (1 to 9)") != std::string::npos);
}

TEST_CASE("a compressor of another ABI is refused by name when asked for", "[integration][plugins]")
{
    temp_dir dir;
    auto tree = dir.path() / "tree";
    make_small_tree(tree);
    export_request req{
        .layers = {tree},
        .outputs = {"type=image,name=future:1,compression=future"},
        .store = dir.path() / "store",
        .extra_args = {"--plugin-path", outside_dir},
    };
    auto r = run_export(req);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("liblading-compressor-future.so has ABI version 99, lading expects ABI version 1") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists(req.store / "index.json"));
}
