// End to end: `lading export --output type=image,...,compression=estargz` writes a layer
// whose descriptor carries the TOC digest and uncompressed size, whose blob passes the
// verifier, and whose diffID in the image config is the blob's own.
#include "verifier.hpp"

#include "common/containerd_fixture.hpp"
#include "common/lading_cli.hpp"
#include "common/process.hpp"
#include "common/oci_layout.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace estargz_test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct exported_layer {
    json::object descriptor;
    fs::path blob;
    std::string config_diff_id;
};

exported_layer export_layer(const fs::path& tree, const fs::path& store, const std::string& threads)
{
    lading::test::lading_cli lading(LADING_BINARY);
    REQUIRE(lading.exists());
    auto r = lading.run({"export", tree.string(), "--platform", "linux/amd64", "--progress", "quiet", "--output",
                         "type=image,name=e:1,compression=estargz,oci-mediatypes=true", "--store", store.string()},
                        {{"LADING_THREADS", threads}});
    INFO(r.describe());
    REQUIRE(r.succeeded());

    lading::test::oci_layout layout(store);
    auto entry = layout.find_entry("e:1");
    REQUIRE(entry);
    json::value manifest = layout.read_json_blob(std::string(entry->at("digest").as_string()));
    const json::array& layers = manifest.at("layers").as_array();
    REQUIRE(layers.size() == 1);
    exported_layer out;
    out.descriptor = layers[0].as_object();
    const std::string digest(out.descriptor.at("digest").as_string());
    layout.read_blob(digest);  // checks the digest
    out.blob = layout.blob_path(digest);
    json::value config = layout.read_json_blob(std::string(manifest.at("config").at("digest").as_string()));
    out.config_diff_id = std::string(config.at("rootfs").at("diff_ids").at(0).as_string());
    return out;
}

}  // namespace

TEST_CASE("lading export with compression=estargz writes a verifiable eStargz layer", "[estargz][export]")
{
    lading::test::temp_dir work("lading-estargz-export-");
    lading::test::tree_fixture_options options;
    options.large_file_size = 9ull * 1024 * 1024 + 5;  // three chunks
    const auto tree = lading::test::create_tree_fixture(work / "tree", options);

    const exported_layer layer = export_layer(tree.root, work / "store", "2");
    CHECK(layer.descriptor.at("mediaType").as_string() == "application/vnd.oci.image.layer.v1.tar+gzip");
    REQUIRE(layer.descriptor.contains("annotations"));
    const auto& annotations = layer.descriptor.at("annotations").as_object();
    REQUIRE(annotations.contains("containerd.io/snapshot/stargz/toc.digest"));
    REQUIRE(annotations.contains("io.containers.estargz.uncompressed-size"));
    CHECK(static_cast<std::uintmax_t>(layer.descriptor.at("size").as_int64()) == fs::file_size(layer.blob));

    verifier_report v = run_verifier(layer.blob, std::string(annotations.at("containerd.io/snapshot/stargz/toc.digest").as_string()));
    INFO(v.output);
    REQUIRE(v.ok);
    CHECK(v.chunks >= 3);
    CHECK(layer.config_diff_id == v.diff_id);
    // And by gzip: the diffID is the sha256 of the whole decompressed blob, TOC entry included.
    auto tar_hash = lading::test::run_process({"sh", "-c", "gzip -dc \"$0\" | sha256sum", layer.blob.string()});
    REQUIRE(tar_hash.exit_code == 0);
    CHECK(layer.config_diff_id == "sha256:" + tar_hash.out.substr(0, 64));
    CHECK(annotations.at("io.containers.estargz.uncompressed-size").as_string() == std::to_string(v.uncompressed_size));

    // Another thread count, another store: the same layer.
    const exported_layer again = export_layer(tree.root, work / "store-1-thread", "1");
    CHECK(again.descriptor == layer.descriptor);
}

TEST_CASE("containerd imports and unpacks an estargz image, checking its diffID", "[estargz][export]")
{
    lading::test::temp_dir work("lading-estargz-ctr-");
    const auto tree = lading::test::create_tree_fixture(work / "tree", {});
    export_layer(tree.root, work / "store", "2");
    auto archive = work / "image.tar";
    auto tar = lading::test::run_process({"tar", "-C", (work / "store").string(), "-cf", archive.string(), "."});
    REQUIRE(tar.exit_code == 0);

    lading::test::containerd_fixture containerd;
    auto imported = containerd.ctr({"images", "import", "--snapshotter", "native", archive.string()});
    INFO(imported.describe());
    REQUIRE(imported.exit_code == 0);
    // `check` reports the image complete only when every blob is present; the import above
    // unpacked the layer, which fails on a wrong diffID.
    auto check = containerd.ctr({"images", "check", "--snapshotter", "native"});
    INFO(check.describe());
    CHECK(check.out.find("docker.io/library/e:1") != std::string::npos);
    CHECK(check.out.find("complete") != std::string::npos);
    CHECK(check.out.find("true") != std::string::npos);  // unpacked
}
