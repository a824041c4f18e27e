// A plugin built only against abi.h and the SDK, from its own directory, is found with
// --plugin-path, listed, and used for a real export that skopeo and umoci read back; a
// plugin built for another ABI is refused with its file and both ABI versions named; a store
// plugin with the first, shorter table still loads and works.
#include <catch2/catch.hpp>

#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/process.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

using namespace lading::test;

namespace {
const std::string outside_dir = LADING_OUTSIDE_PLUGIN_DIR;

// A plugin directory of its own, below `dir`, holding only `library` of the outside-author
// build: force-compression looks at every compressor, and the future-ABI one beside it in
// outside_dir would be refused.
std::filesystem::path plugin_dir_with(const temp_dir& dir, const std::string& library)
{
    const auto plugin_dir = dir.path() / "plugins";
    std::filesystem::create_directories(plugin_dir);
    std::filesystem::copy_file(outside_dir + "/" + library, plugin_dir / library);
    return plugin_dir;
}
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

TEST_CASE("a store plugin built with the first, shorter table still works; what it lacks is refused by name",
          "[integration][plugins][store]")
{
    temp_dir dir;
    const auto plugin_dir = plugin_dir_with(dir, "liblading-store-first-table.so");
    const auto tree = dir.path() / "tree";
    make_small_tree(tree);
    export_request base;
    base.layers = {tree};
    base.outputs = {"type=image,name=base:1,oci-mediatypes=true,compression=gzip"};
    base.store = dir.path() / "base";
    base.metadata_file = dir.path() / "base.json";
    export_ok(base);

    // An export on a base with force-compression: converted again, since this store keeps no records.
    export_request req;
    req.layers = {tree};
    req.outputs = {"type=image,name=old:1,oci-mediatypes=true,compression=zstd,force-compression=true,store=first-table"};
    req.store = dir.path() / "store";
    req.metadata_file = dir.path() / "meta.json";
    req.extra_args = {"--plugin-path", plugin_dir.string(), "--from", "oci-layout://" + base.store.string() + ":base:1"};
    req.env = {{"SOURCE_DATE_EPOCH", "1700000000"}};  // the same image twice
    auto meta = export_ok(req);
    CHECK_FALSE(std::filesystem::exists(req.store / "conversions"));
    auto again = export_ok(req);
    CHECK(again.digest == meta.digest);

    auto listing = lading_cmd().run({"images", "--store", req.store.string(), "--backend", "first-table",
                                     "--plugin-path", plugin_dir.string()});
    INFO(listing.describe());
    REQUIRE(listing.exit_code == 0);
    CHECK(listing.out == "old:1\t" + meta.digest + "\n");

    // unpack=true needs the store's unpack entry: a usage error before anything is written.
    const auto before = store_snapshot::take(req.store);
    req.outputs = {"type=image,name=old:2,store=first-table,unpack=true"};
    auto refused = run_export(req);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("the first-table store cannot unpack images") != std::string::npos);
    CHECK(split_lines(refused.err).size() == 1);
    const auto after = store_snapshot::take(req.store);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);

    // store check needs a read-only open, which the first table has not.
    auto check = lading_cmd().run({"store", "check", "--store", req.store.string(), "--backend", "first-table",
                                   "--plugin-path", plugin_dir.string()});
    CHECK(check.exit_code == 1);
    CHECK(check.err.find("cannot open " + req.store.string() + " for reading only") != std::string::npos);
}

TEST_CASE("a compressor with the first, shorter table gets its diffID from the host's hash of the tar",
          "[integration][plugins]")
{
    temp_dir dir;
    const auto plugin_dir = plugin_dir_with(dir, "liblading-compressor-first-table-gzip.so");
    const auto tree = dir.path() / "tree";
    make_small_tree(tree);
    export_request req;
    req.layers = {tree};
    req.outputs = {"type=image,name=old:1,oci-mediatypes=true,compression=first-table-gzip"};
    req.store = dir.path() / "store";
    req.metadata_file = dir.path() / "meta.json";
    req.extra_args = {"--plugin-path", plugin_dir.string()};
    export_ok(req);

    oci_layout layout(req.store);
    auto entry = layout.find_entry("old:1");
    REQUIRE(entry);
    auto manifest = layout.read_json_blob(std::string(entry->at("digest").as_string()));
    auto config = layout.read_json_blob(std::string(manifest.at("config").at("digest").as_string()));
    const auto blob = layout.blob_path(std::string(manifest.at("layers").at(0).at("digest").as_string()));
    auto tar_hash = run_process({"sh", "-c", "gzip -dc \"$0\" | sha256sum", blob.string()});
    REQUIRE(tar_hash.exit_code == 0);
    CHECK(std::string(config.at("rootfs").at("diff_ids").at(0).as_string()) == "sha256:" + tar_hash.out.substr(0, 64));
}

TEST_CASE("a plugin of another ABI on the path does not stop a tarball layer from being recognised",
          "[integration][plugins]")
{
    temp_dir dir;
    const std::string outside_dir = LADING_OUTSIDE_PLUGIN_DIR;
    auto tree = dir.path() / "tree";
    make_small_tree(tree);
    const auto tarball = dir.path() / "extra.tar.gz";
    auto tar = run_process({"tar", "-czf", tarball.string(), "-C", tree.string(), "."});
    REQUIRE(tar.succeeded());
    export_request req{
        .layers = {tree, tarball},
        .outputs = {"type=image,name=two-layers:1"},
        .store = dir.path() / "store",
        .metadata_file = dir.path() / "meta.json",
        .extra_args = {"--plugin-path", outside_dir},
    };
    export_ok(req);
    auto inspect = run_process({"skopeo", "inspect", "oci:" + req.store.string() + ":two-layers:1"});
    INFO(inspect.describe());
    REQUIRE(inspect.succeeded());
    CHECK(parse_json(inspect.out, "skopeo inspect").at("Layers").as_array().size() == 2);
}
