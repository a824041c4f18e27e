// The store lading writes is read back by independent tools: skopeo (layout parsing, blob
// digests and sizes), umoci (DiffIDs, unpack) and a private containerd (import + unpack with
// DiffID checks, for every compression and both media-type families). The unpacked trees
// are compared with the source tree entry by entry.
#include <catch2/catch.hpp>

#include "common/containerd_fixture.hpp"
#include "common/image_name.hpp"
#include "common/json_file.hpp"
#include "common/layer_blob.hpp"
#include "common/oci_layout.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_compare.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

// OCI media types are the default: a spec without oci-mediatypes exercises the default.
std::string default_output_spec(const std::string& name, const std::string& compression) {
    return "type=image,name=" + name + ",compression=" + compression;
}

std::string output_spec(const std::string& name, const std::string& compression, bool oci) {
    return default_output_spec(name, compression) + (oci ? ",oci-mediatypes=true" : ",oci-mediatypes=false");
}

struct stored_image {
    std::vector<std::string> diff_ids;
    std::string layer_digest;
    std::string tar_stream;  // the layer, decompressed by gzip/zstd
};

// Checks the store with a reader of our own: the index entry, its two name annotations, the
// manifest media type, one layer of the expected media type whose sha256 matches, and the
// config's diff_id against the layer decompressed by the gzip/zstd command-line tools.
stored_image check_layout(const fs::path& store, const std::string& name,
                                      const export_metadata& meta, const std::string& compression,
                                      bool oci) {
    oci_layout layout(store);
    auto entry = layout.find_entry(name);
    INFO("index.json: " << boost::json::serialize(layout.index()));
    REQUIRE(entry);
    CHECK(json_string(*entry, "digest") == meta.digest);
    CHECK(json_string(*entry, "mediaType") == expected_manifest_media_type(oci));
    CHECK(json_string(entry->at("annotations"), containerd_name_annotation) ==
          normalize_image_name(name));

    auto manifest = layout.read_json_blob(meta.digest);
    INFO("manifest: " << boost::json::serialize(manifest));
    CHECK(json_string(manifest, "mediaType") == expected_manifest_media_type(oci));
    const auto& layers = manifest.at("layers").as_array();
    REQUIRE(layers.size() == 1);
    CHECK(json_string(layers[0], "mediaType") == expected_layer_media_type(compression, oci));
    std::string layer_digest = json_string(layers[0], "digest");
    std::string layer_bytes = layout.read_blob(layer_digest);  // verifies the sha256
    CHECK(static_cast<std::int64_t>(layer_bytes.size()) == layers[0].at("size").to_number<std::int64_t>());

    std::string config_digest = json_string(manifest.at("config"), "digest");
    CHECK(config_digest == meta.config_digest);
    auto config = layout.read_json_blob(config_digest);
    CHECK(json_string(config, "os") == "linux");
    CHECK(json_string(config, "architecture") == "amd64");
    std::vector<std::string> diff_ids;
    for (const auto& d : config.at("rootfs").at("diff_ids").as_array()) diff_ids.emplace_back(d.as_string());
    REQUIRE(diff_ids.size() == 1);

    auto tar = decompress_layer(layout.blob_path(layer_digest), compression);
    INFO(tar.describe(200));
    REQUIRE(tar.succeeded());
    CHECK("sha256:" + sha256_hex(tar.out) == diff_ids[0]);
    return {diff_ids, layer_digest, std::move(tar.out)};
}

}  // namespace

TEST_CASE("skopeo and umoci read a default export of the fixture tree (OCI media types)",
          "[integration][store_readers]") {
    require_tools({tools::skopeo, tools::umoci, tools::gzip, tools::zstd});
    const auto& tree = shared_tree();

    // gzip level 1 deflates through ISA-L's igzip rather than libdeflate (on x86-64): Go's
    // reader checks it too.
    const std::pair<std::string, std::string> variants[] = {
        {"gzip", ""}, {"gzip", ",compression-level=1"}, {"uncompressed", ""}, {"zstd", ""}};
    for (const auto& [compression, level] : variants) {
        DYNAMIC_SECTION("compression=" << compression << level) {
            temp_dir work;
            const fs::path store = work / "store";
            const std::string name = "app:1";
            export_request req{
                .layers = {tree.root},
                .outputs = {default_output_spec(name, compression) + level},
                .store = store,
                .metadata_file = work / "metadata.json",
            };
            auto meta = export_ok(req);
            check_layout(store, name, meta, compression, true);

            const std::string ref = "oci:" + store.string() + ":" + name;
            auto inspect = run_process({"skopeo", "inspect", ref}, 2min);
            INFO(inspect.describe());
            REQUIRE(inspect.succeeded());
            auto info = parse_json(inspect.out, "skopeo inspect");
            CHECK(json_string(info, "Digest") == meta.digest);
            CHECK(info.at("Layers").as_array().size() == 1);
            CHECK(json_string(info, "Os") == "linux");
            CHECK(json_string(info, "Architecture") == "amd64");

            auto raw = run_process({"skopeo", "inspect", "--raw", ref}, 2min);
            INFO(raw.describe());
            REQUIRE(raw.succeeded());
            auto manifest = parse_json(raw.out, "skopeo inspect --raw");
            CHECK(json_string(manifest.at("layers").at(0), "mediaType") ==
                  expected_layer_media_type(compression, true));

            // skopeo copy verifies every blob's digest and size on the way.
            const fs::path out = work / "copy";
            auto copy = run_process({"skopeo", "--insecure-policy", "copy", ref, "dir:" + out.string()}, 5min);
            INFO(copy.describe());
            REQUIRE(copy.succeeded());
            CHECK(fs::exists(out / "manifest.json"));
            const std::string layer_digest = json_string(manifest.at("layers").at(0), "digest");
            CHECK(fs::exists(out / layer_digest.substr(7)));

            if (compression != "zstd") {  // umoci 0.4.7 does not know tar+zstd
                const fs::path bundle = work / "bundle";
                auto unpack = run_process(
                    {"umoci", "unpack", "--rootless", "--image", store.string() + ":" + name, bundle.string()},
                    5min);
                INFO(unpack.describe());
                REQUIRE(unpack.succeeded());  // umoci checks the DiffID while unpacking
                tree_compare_options rules;
                // umoci --rootless cannot mknod: it writes an empty regular file with the
                // device's permission bits instead (observed with umoci 0.4.7). Files belong
                // to the unpacking user; the image's owner is kept in the
                // user.rootlesscontainers xattr, which is what gets compared.
                rules.devices = device_policy::as_empty_file;
                rules.owners = owner_policy::rootlesscontainers_xattr;
                rules.compare_user_xattrs = tree.has_xattr;
                auto diffs = compare_trees(tree.root, bundle / "rootfs", rules);
                INFO("differences between the source tree and umoci's rootfs:\n" << format_differences(diffs));
                CHECK(diffs.empty());
                // The notable entries, spelled out so a failure names them even if the
                // comparison above is ever loosened.
                namespace tp = tree_paths;
                const fs::path rootfs = bundle / "rootfs";
                CHECK(fs::is_directory(fs::symlink_status(rootfs / tp::empty_dir)));
                CHECK(fs::is_directory(fs::symlink_status(rootfs / tp::nested_empty_dir)));
                CHECK(fs::is_fifo(fs::symlink_status(rootfs / tp::fifo)));
                CHECK(fs::is_regular_file(fs::symlink_status(rootfs / tree.non_utf8_file)));
                CHECK(fs::is_regular_file(fs::symlink_status(rootfs / tree.long_name_file)));
                CHECK(fs::is_regular_file(fs::symlink_status(rootfs / tree.long_path_file)));
                CHECK(fs::is_symlink(fs::symlink_status(rootfs / tp::symlink_dangling)));
                CHECK(fs::equivalent(rootfs / tp::hardlink_a, rootfs / tp::hardlink_b));
                CHECK(fs::equivalent(rootfs / tree.long_path_file, rootfs / tree.long_hardlink));
            }
        }
    }
}

TEST_CASE("containerd imports and unpacks every compression with both media-type families",
          "[integration][store_readers][containerd]") {
    require_tools({tools::containerd, tools::ctr, tools::tar, tools::gzip, tools::zstd});
    const auto& tree = shared_tree();

    for (const bool oci : {false, true}) {
        for (const std::string compression : {"gzip", "uncompressed", "zstd"}) {
            DYNAMIC_SECTION((oci ? "oci" : "docker") << " media types, compression=" << compression) {
                temp_dir work;
                const fs::path store = work / "store";
                const std::string name = "ctr-" + compression + (oci ? "-oci" : "-docker") + ":1";
                export_request req{
                    .layers = {tree.root},
                    .outputs = {output_spec(name, compression, oci)},
                    .store = store,
                    .metadata_file = work / "metadata.json",
                };
                auto meta = export_ok(req);
                auto stored = check_layout(store, name, meta, compression, oci);

                if (!oci) {  // `lading inspect` prints the manifest lading stored
                    auto r = lading_cmd().run({"inspect", name, "--store", store.string()}, {}, 1min);
                    require_success(r);
                    INFO(r.describe());
                    oci_layout layout(store);
                    CHECK(parse_json(r.out, "lading inspect") == layout.read_json_blob(meta.digest));
                }

                containerd_fixture containerd;
                const fs::path archive = work / "store.tar";
                auto r = run_process({"tar", "-C", store.string(), "-cf", archive.string(), "."}, 5min);
                INFO(r.describe());
                REQUIRE(r.succeeded());
                // containerd 1.6 (Debian 12) has no stream processor for the non-standard
                // application/vnd.docker.image.rootfs.diff.tar.zstd that BuildKit (and so
                // lading) writes with Docker media types: it imports the content but cannot
                // unpack it ("no processor for media-type"). That one combination is imported
                // with --no-unpack and unpacked with GNU tar + zstd below instead.
                const bool ctr_can_unpack = oci || compression != "zstd";
                // Names come from io.containerd.image.name, so no --base-name is needed.
                std::vector<std::string> import{"images", "import", "--snapshotter", "native"};
                if (!ctr_can_unpack) import.push_back("--no-unpack");
                import.push_back(archive.string());
                r = containerd.ctr(import);
                INFO(r.describe() << "containerd log (tail):\n" << containerd.log_tail());
                REQUIRE(r.succeeded());  // unpacking checks every DiffID

                const std::string full_name = normalize_image_name(name);
                r = containerd.ctr({"images", "ls"}, 1min);
                INFO(r.describe());
                REQUIRE(r.succeeded());
                CHECK(r.out.find(full_name + " ") != std::string::npos);
                CHECK(r.out.find(meta.digest) != std::string::npos);

                const auto line = containerd.image_check_line(full_name);
                REQUIRE_FALSE(line.empty());
                CHECK(line.find("complete") != std::string::npos);
                CHECK(line.find(expected_manifest_media_type(oci)) != std::string::npos);
                CHECK(line.ends_with(ctr_can_unpack ? " true" : " false"));  // the UNPACKED column

                fs::path rootfs;
                if (ctr_can_unpack) {
                    // containerd runs as root, so its snapshot keeps owners and device nodes.
                    r = containerd.ctr({"snapshots", "--snapshotter", "native", "view", "--mounts",
                                        "lading-view", chain_id(stored.diff_ids)},
                                       1min);
                    INFO(r.describe());
                    REQUIRE(r.succeeded());
                    auto mounts = parse_json(r.out, "ctr snapshots view --mounts");
                    rootfs = fs::path(std::string(mounts.at(0).at("Source").as_string()));
                } else {
                    rootfs = work / "rootfs";
                    auto x = extract_tar_stream(stored.tar_stream, rootfs);
                    INFO(x.describe());
                    REQUIRE(x.succeeded());
                }
                tree_compare_options rules;
                rules.owners = owner_policy::stat;
                rules.compare_user_xattrs = tree.has_xattr;
                rules.devices = device_policy::must_match;
                auto diffs = compare_trees(tree.root, rootfs, rules);
                INFO("differences between the source tree and " << rootfs.string() << ":\n"
                     << format_differences(diffs));
                CHECK(diffs.empty());
            }
        }
    }
}
