// store=containerd: an export lands in containerd's image store with the labels its garbage
// collector follows, unpacked onto snapshots keyed by chain ID; ctr reads it all back.
#include <catch2/catch.hpp>

#include <fstream>

#include "common/json_file.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_compare.hpp"
#include "containerd_support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;

namespace {

constexpr const char* epoch = "1700000000";

std::vector<std::string> diff_ids_of(const boost::json::value& config)
{
    std::vector<std::string> out;
    for (const auto& d : config.at("rootfs").at("diff_ids").as_array()) out.emplace_back(d.as_string());
    return out;
}

boost::json::value parse(const std::string& text) { return boost::json::parse(text); }

std::string inspect(const containerd_daemon& d, const std::string& what)
{
    auto r = d.lading({"inspect", what, "--backend", "containerd"});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    return r.out;
}

}  // namespace

TEST_CASE("an export into containerd is named, labelled, unpacked and survives garbage collection", "[containerd]")
{
    containerd_daemon d;
    temp_dir work("lading-ctrd-export-");
    const fs::path extra = work.path() / "extra";
    make_small_tree(extra / "extra");
    const auto meta_file = work.path() / "meta.json";
    const std::vector<std::string> export_args{"export", shared_tree().root.string(), "--layer", extra.string(),
                                               "--source-date-epoch", epoch, "--platform", "linux/amd64",
                                               "--metadata-file", meta_file.string(), "--progress", "plain",
                                               "--output", "type=image,name=app:1,name-canonical=true,store=containerd,unpack=true"};
    auto first = d.lading(export_args);
    INFO(first.describe());
    REQUIRE(first.succeeded());
    const auto meta = read_export_metadata(meta_file);

    // The same export into an OCI layout gives the same digest: the store changes nothing.
    const auto layout = work.path() / "layout";
    auto same = export_ok({{shared_tree().root, extra}, {"type=image,name=app:1"}, layout, work.path() / "m2.json",
                           {"--source-date-epoch", epoch}});
    CHECK(same.digest == meta.digest);

    auto images = d.images();
    REQUIRE(images.count("docker.io/library/app:1") == 1);
    CHECK(images["docker.io/library/app:1"] == meta.digest);
    CHECK(images["docker.io/library/app:1@" + meta.digest] == meta.digest);  // name-canonical
    CHECK(d.leases().empty());

    // Labels: manifest -> config and layers; layers -> diffIDs; config -> top snapshot.
    const auto manifest = parse(inspect(d, "app:1"));
    const auto config = parse(inspect(d, meta.config_digest));
    const auto diff_ids = diff_ids_of(config);
    REQUIRE(diff_ids.size() == 2);
    const auto chain = chain_ids(diff_ids);
    auto contents = d.contents();
    auto manifest_labels = contents[meta.digest];
    CHECK(manifest_labels["containerd.io/gc.ref.content.config"] == meta.config_digest);
    const auto& layers = manifest.at("layers").as_array();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string layer(layers[i].at("digest").as_string());
        CHECK(manifest_labels.at("containerd.io/gc.ref.content.l." + std::to_string(i)) == layer);
        CHECK(contents[layer]["containerd.io/uncompressed"] == diff_ids[i]);
    }
    CHECK(contents[meta.config_digest]["containerd.io/gc.ref.snapshot." + d.snapshotter] == chain.back());

    // Snapshots by chain ID, the top one's tree equal to both layers' sources.
    auto snaps = d.snapshots();
    REQUIRE(snaps.count(chain[0]) == 1);
    REQUIRE(snaps.count(chain[1]) == 1);
    CHECK(snaps[chain[1]] == chain[0]);
    auto check = d.ctr_ok({"images", "check", "--snapshotter", d.snapshotter});
    INFO(check);
    CHECK(check.find("docker.io/library/app:1") != std::string::npos);
    CHECK(check.find("complete (3/3)") != std::string::npos);
    {
        mounted_snapshot tree(d, chain.back(), work.path() / "mnt");
        tree_compare_options options;
        options.owners = owner_policy::stat;
        options.report_extra = false;
        auto base_diffs = compare_trees(shared_tree().root, tree.path(), options);
        INFO(format_differences(base_diffs));
        CHECK(base_diffs.empty());
        auto extra_diffs = compare_trees(extra, tree.path(), options);
        INFO(format_differences(extra_diffs));
        CHECK(extra_diffs.empty());
    }

    SECTION("a second run changes nothing and unpacks nothing again")
    {
        auto again = d.lading(export_args);
        INFO(again.describe());
        REQUIRE(again.succeeded());
        CHECK(again.err.find("is already there") != std::string::npos);
        CHECK(read_export_metadata(meta_file).digest == meta.digest);
        CHECK(d.images() == images);
        CHECK(d.snapshots() == snaps);
        CHECK(d.leases().empty());
    }

    SECTION("collecting another image's garbage loses nothing of this one")
    {
        const auto other_dir = work.path() / "other";
        make_small_tree(other_dir, "other");
        auto other = d.lading({"export", other_dir.string(), "--progress", "quiet", "--output",
                               "type=image,name=other:1,store=containerd,unpack=true"});
        INFO(other.describe());
        REQUIRE(other.succeeded());
        d.ctr_ok({"images", "rm", "--sync", "docker.io/library/other:1"});
        auto after = d.contents();
        for (const auto& [digest, labels] : contents) CHECK(after.count(digest) == 1);
        CHECK(d.snapshots().count(chain.back()) == 1);
        auto recheck = d.ctr_ok({"images", "check", "--snapshotter", d.snapshotter});
        CHECK(recheck.find("complete (3/3)") != std::string::npos);
    }

    SECTION("a base image from containerd; lading images lists containerd's names")
    {
        const auto top = work.path() / "top";
        make_small_tree(top / "top", "top");
        auto derived = d.lading({"export", top.string(), "--from", "containerd://app:1", "--source-date-epoch", epoch,
                                 "--progress", "quiet", "--output",
                                 "type=image,name=app:2,store=containerd,unpack=true"});
        INFO(derived.describe());
        REQUIRE(derived.succeeded());
        auto listed = d.lading({"images", "--backend", "containerd"});
        REQUIRE(listed.succeeded());
        auto entries = parse_image_listing(listed.out);
        REQUIRE(find_listed(entries, "docker.io/library/app:2"));
        CHECK(find_listed(entries, "docker.io/library/app:1")->digest == meta.digest);
        auto derived_manifest = parse(inspect(d, "app:2"));
        const auto& derived_layers = derived_manifest.at("layers").as_array();
        REQUIRE(derived_layers.size() == 3);
        for (std::size_t i = 0; i < 2; ++i) CHECK(derived_layers[i].at("digest") == layers[i].at("digest"));
        auto derived_config =
            parse(inspect(d, std::string(derived_manifest.at("config").at("digest").as_string())));
        auto derived_chain = chain_ids(diff_ids_of(derived_config));
        auto now = d.snapshots();
        REQUIRE(now.count(derived_chain.back()) == 1);
        CHECK(now[derived_chain.back()] == chain.back());
    }
}

TEST_CASE("a multi-platform index names each manifest for containerd's collector", "[containerd]")
{
    containerd_daemon d;
    temp_dir work("lading-ctrd-index-");
    make_small_tree(work.path() / "tree");
    const auto meta_file = work.path() / "meta.json";
    auto r = d.lading({"export", (work.path() / "tree").string(), "--platform", "linux/amd64,linux/arm64",
                       "--progress", "quiet", "--metadata-file", meta_file.string(), "--output",
                       "type=image,name=multi:1,store=containerd"});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    const auto meta = read_export_metadata(meta_file);
    const auto index = parse(inspect(d, "multi:1"));
    const auto& manifests = index.at("manifests").as_array();
    REQUIRE(manifests.size() == 2);
    auto labels = d.contents()[meta.digest];
    for (std::size_t i = 0; i < manifests.size(); ++i)
        CHECK(labels["containerd.io/gc.ref.content.m." + std::to_string(i)] == manifests[i].at("digest").as_string());
    auto check = d.ctr_ok({"images", "check", "--snapshotter", d.snapshotter});
    INFO(check);
    CHECK(check.find("complete (2/2)") != std::string::npos);
}
