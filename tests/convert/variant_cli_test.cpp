// `lading convert`: zstd and eStargz variants of a gzip image exported by lading, read back by
// consumers lading did not write (skopeo, umoci, zstd, the stargz library's verifier); the
// original left as it was; reruns that write nothing; force-compression's records reused;
// Docker-typed and multi-platform originals; bad input.
#include "variant_support.hpp"

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/layer_blob.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_compare.hpp"
#include "support.hpp"
#include "verifier.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace lading::test;
using namespace variant_test;

namespace {

constexpr const char* stargz_toc = "containerd.io/snapshot/stargz/toc.digest";
constexpr const char* stargz_size = "io.containers.estargz.uncompressed-size";

std::string layer_digest(const boost::json::object& layer) { return json_string(layer, "digest"); }

// An unpacked eStargz layer also holds the TOC entry (and, when the writer adds one, the
// prefetch landmark); neither is part of the image's files.
void remove_estargz_entries(const fs::path& rootfs)
{
    for (const char* name : {"stargz.index.json", ".prefetch.landmark", ".no.prefetch.landmark"})
        fs::remove(rootfs / name);
}

}  // namespace

TEST_CASE("zstd and eStargz variants unpack to the original's tree; the original is untouched", "[convert]")
{
    require_tools({tools::skopeo, tools::umoci, tools::zstd});
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    // The fixture tree (hardlinks, symlinks, long names, a 5 MiB file: two eStargz chunks) over a small one.
    make_small_tree(work / "small");
    lading::test::export_request req{
        .layers = {work / "small", shared_tree().root},
        .outputs = {"type=image,name=app:1,compression=gzip,oci-mediatypes=true"},
        .store = store,
        .metadata_file = work / "meta.json",
    };
    req.env["SOURCE_DATE_EPOCH"] = "1700000000";
    const auto original = export_ok(req).digest;
    const auto source = read_image(store, original);
    const auto before = store_snapshot::take(store);

    const auto zstd = convert_ok(store, "app:1", "zstd");
    const auto estargz = convert_ok(store, "app:1", "estargz");
    const auto after = store_snapshot::take(store);
    INFO(before.describe_differences_to(after));
    CHECK(changed_entries(before, after).empty());
    CHECK(find_listed(list_images(store), "app:1")->digest == original);
    CHECK(find_listed(list_images(store), "app:1-zstd")->digest == zstd);
    CHECK(find_listed(list_images(store), "app:1-estargz")->digest == estargz);

    const auto z = read_image(store, zstd);
    CHECK(json_string(z.manifest, "mediaType") == "application/vnd.oci.image.manifest.v1+json");
    CHECK(z.manifest.at("subject").as_object() == expected_subject(store, original));
    CHECK(json_string(z.manifest.at("config"), "digest") == json_string(source.manifest.at("config"), "digest"));
    REQUIRE(z.layers.size() == 2);
    oci_layout layout(store);
    for (std::size_t i = 0; i < z.layers.size(); ++i) {
        CHECK(json_string(z.layers[i], "mediaType") == "application/vnd.oci.image.layer.v1.tar+zstd");
        layout.read_blob(layer_digest(z.layers[i]));  // present, sha256 matches
        auto tar = decompress_layer(layout.blob_path(layer_digest(z.layers[i])), "zstd");
        REQUIRE(tar.succeeded());
        CHECK("sha256:" + sha256_hex(tar.out) == source.diff_ids[i]);
    }

    const auto e = read_image(store, estargz);
    CHECK(e.manifest.at("subject").as_object() == expected_subject(store, original));
    CHECK(json_string(e.manifest.at("config"), "digest") != json_string(source.manifest.at("config"), "digest"));
    REQUIRE(e.layers.size() == 2);
    for (std::size_t i = 0; i < e.layers.size(); ++i) {
        CHECK(json_string(e.layers[i], "mediaType") == "application/vnd.oci.image.layer.v1.tar+gzip");
        const auto& annotations = e.layers[i].at("annotations").as_object();
        auto v = estargz_test::run_verifier(layout.blob_path(layer_digest(e.layers[i])),
                                            std::string(annotations.at(stargz_toc).as_string()));
        INFO(v.output);
        REQUIRE(v.ok);
        CHECK(v.diff_id == e.diff_ids[i]);
        CHECK(annotations.at(stargz_size).as_string() == std::to_string(v.uncompressed_size));
        if (i == 1) CHECK(v.chunks >= 2);
    }
    // Only the diffIDs differ from the original's config.
    auto config = e.config;
    config["rootfs"].as_object()["diff_ids"] = source.config.at("rootfs").at("diff_ids");
    CHECK(config == source.config);

    // skopeo checks every blob's digest and size as it copies.
    for (const auto& name : {"app:1-zstd", "app:1-estargz"}) {
        auto r = run_process({"skopeo", "copy", "oci:" + store.string() + ":" + name, "dir:" + (work / name).string()});
        INFO(r.describe());
        CHECK(r.succeeded());
    }
    // umoci reads gzip and eStargz (checking diffIDs); it does not know zstd, so skopeo
    // recompresses that variant to gzip first.
    const auto expected = umoci_unpack(store, "app:1", work / "unpacked-original");
    CHECK(fs::exists(expected / "etc" / "greeting"));
    CHECK(std::distance(fs::recursive_directory_iterator(expected), fs::recursive_directory_iterator()) > 20);
    auto r = run_process({"skopeo", "copy", "--dest-compress-format", "gzip", "oci:" + store.string() + ":app:1-zstd",
                          "oci:" + (work / "regzipped").string() + ":app"});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    const auto from_zstd = umoci_unpack(work / "regzipped", "app", work / "unpacked-zstd");
    tree_compare_options rules;
    rules.compare_user_xattrs = true;
    CHECK(format_differences(compare_trees(expected, from_zstd, rules)) == "");
    const auto from_estargz = umoci_unpack(store, "app:1-estargz", work / "unpacked-estargz");
    remove_estargz_entries(from_estargz);
    CHECK(format_differences(compare_trees(expected, from_estargz, rules)) == "");

    SECTION("a second run gives the same digests and writes nothing")
    {
        const auto settled = store_snapshot::take(store);
        CHECK(convert_ok(store, "app:1", "zstd") == zstd);
        CHECK(convert_ok(store, "app:1", "estargz") == estargz);
        const auto again = store_snapshot::take(store);
        INFO(settled.describe_differences_to(again));
        CHECK(settled == again);
    }
    SECTION("another store converting the same original gets the same digests")
    {
        const auto other = work / "other";
        req.store = other;
        CHECK(export_ok(req).digest == original);
        CHECK(convert_ok(other, original, "estargz", {"-t", "app:esgz"}) == estargz);
        CHECK(find_listed(list_images(other), "app:esgz")->digest == estargz);
    }
}

TEST_CASE("a variant reuses the layers force-compression converted", "[convert]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    const auto base = read_image(store, export_original(work, store, "base:1"));
    write_bytes(work / "app" / "main", "app layer\n");
    lading::test::export_request req{
        .layers = {work / "app"},
        .outputs = {"type=image,name=app:1,oci-mediatypes=true,compression=zstd,force-compression=true"},
        .store = store,
        .metadata_file = work / "app-meta.json",
        .extra_args = {"--from", "oci-layout://" + store.string() + ":base:1"},
    };
    const auto app = read_image(store, export_ok(req).digest);
    REQUIRE(app.layers.size() == 3);

    const auto before = store_snapshot::take(store);
    const auto variant = read_image(store, convert_ok(store, "base:1", "zstd"));
    const auto after = store_snapshot::take(store);
    REQUIRE(variant.layers.size() == 2);
    CHECK(variant.layers[0] == app.layers[0]);
    CHECK(variant.layers[1] == app.layers[1]);
    // Nothing converted again: the one new blob is the variant's manifest.
    const auto differences = before.differences_to(after);
    INFO(before.describe_differences_to(after));
    CHECK(changed_entries(before, after).empty());
    CHECK(differences.size() == 2);  // index.json and the manifest
    CHECK(after.entries().count("blobs/sha256/" + variant.digest.substr(7)) == 1);
}

TEST_CASE("Docker-typed and multi-platform originals give OCI variants", "[convert]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    oci_layout layout(store);

    SECTION("a Docker schema 2 manifest")
    {
        const auto original = export_original(work, store, "docker:1", 300000, "oci-mediatypes=false");
        const auto source = read_image(store, original);
        const auto v = read_image(store, convert_ok(store, "docker:1", "zstd"));
        CHECK(json_string(v.manifest, "mediaType") == "application/vnd.oci.image.manifest.v1+json");
        CHECK(json_string(v.manifest.at("subject"), "mediaType") ==
              "application/vnd.docker.distribution.manifest.v2+json");
        CHECK(v.manifest.at("subject").as_object() == expected_subject(store, original));
        CHECK(json_string(v.manifest.at("config"), "mediaType") == "application/vnd.oci.image.config.v1+json");
        CHECK(json_string(v.manifest.at("config"), "digest") == json_string(source.manifest.at("config"), "digest"));
        CHECK(v.diff_ids == source.diff_ids);
    }
    SECTION("an index of two platforms with attestation manifests")
    {
        make_small_tree(work / "tree");
        lading::test::export_request req{
            .layers = {work / "tree"},
            .outputs = {"type=image,name=multi:1,oci-mediatypes=true,compression=gzip"},
            .store = store,
            .metadata_file = work / "meta.json",
            .extra_args = {"--attest", "type=provenance"},
            .platform = "linux/amd64,linux/arm64",
        };
        const auto original = export_ok(req).digest;
        const auto source = layout.read_json_blob(original).as_object();
        REQUIRE(source.at("manifests").as_array().size() == 4);  // two images, two attestations

        const auto variant = convert_ok(store, "multi:1", "zstd");
        const auto index = layout.read_json_blob(variant).as_object();
        CHECK(json_string(index, "mediaType") == "application/vnd.oci.image.index.v1+json");
        CHECK(index.at("subject").as_object() == expected_subject(store, original));
        const auto& entries = index.at("manifests").as_array();
        REQUIRE(entries.size() == 2);
        for (std::size_t i = 0; i < 2; ++i) {
            const auto& from = source.at("manifests").at(i).as_object();
            const auto& entry = entries[i].as_object();
            CHECK(entry.at("platform") == from.at("platform"));
            const auto image = read_image(store, json_string(entry, "digest"));
            CHECK(image.manifest.at("subject").as_object() == expected_subject(store, json_string(from, "digest")));
            CHECK(json_string(image.layers.at(0), "mediaType") == "application/vnd.oci.image.layer.v1.tar+zstd");
        }
    }
}

TEST_CASE("lading convert refuses bad input with one line and leaves the store alone", "[convert]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    export_original(work, store, "app:1");
    const auto before = store_snapshot::take(store);

    auto r = run_convert(store, {"app:1", "--compression", "brotli"});
    CHECK(r.exit_code == 2);
    REQUIRE(split_lines(r.err).size() == 1);
    CHECK(r.err.find("\"brotli\"") != std::string::npos);
    CHECK(r.err.find("available: estargz, gzip, uncompressed, zstd") != std::string::npos);

    r = run_convert(store, {"app:1", "--compression", "zstd", "--compression-level", "99"});
    CHECK(r.exit_code == 2);
    CHECK(split_lines(r.err).size() == 1);
    CHECK(r.err.find("out of range for zstd") != std::string::npos);

    r = run_convert(store, {"nothing:1", "--compression", "zstd"});
    CHECK(r.exit_code == 1);
    CHECK(split_lines(r.err).size() == 1);
    CHECK(r.err.find("no image named \"nothing:1\"") != std::string::npos);

    r = run_convert(store, {"app:1"});
    CHECK(r.exit_code == 2);
    CHECK(split_lines(r.err).size() == 1);

    r = run_convert(store, {"app:1", "--compression", "zstd", "-t", "BAD:1"});
    CHECK(r.exit_code == 2);
    CHECK(split_lines(r.err).size() == 1);
    CHECK(r.err.find("invalid image name \"BAD:1\"") != std::string::npos);

    // A gzip encoder (eStargz uses it) that cannot start fails before the store is opened: its scratch
    // directory keeps its time, and a store that does not exist yet is not created.
    const auto scratch_time = fs::last_write_time(store / ".lading-tmp");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& where : {store, work / "fresh-store"}) {
        r = lading_cmd().run({"convert", "app:1", "--compression", "estargz", "--store", where.string()},
                             {{"LADING_GZIP_ENCODER", "zlib"}});
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(split_lines(r.err).size() == 1);
        CHECK(r.err.find("LADING_GZIP_ENCODER") != std::string::npos);
    }
    CHECK(fs::last_write_time(store / ".lading-tmp") == scratch_time);
    CHECK_FALSE(fs::exists(work / "fresh-store"));

    const auto after = store_snapshot::take(store);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);
}

TEST_CASE("lading convert reads only documents that match their digests and only so many of them", "[convert]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    const auto original = export_original(work, store, "app:1");
    const auto manifest = read_image(store, original).manifest;
    const auto manifest_size = fs::file_size(store / "blobs" / "sha256" / original.substr(7));
    // Names an index of `listings` entries of the original in the store's index.json.
    auto name_index_of_listings = [&](const std::string& name, std::size_t listings) {
        boost::json::array children;
        for (std::size_t i = 0; i < listings; ++i)
            children.push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"digest", original},
                                {"size", manifest_size}});
        const auto bytes = boost::json::serialize(boost::json::object{
            {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", children}});
        const auto digest = "sha256:" + sha256_hex(bytes);
        write_bytes(store / "blobs" / "sha256" / digest.substr(7), bytes);
        auto layout_index = read_json_file(store / "index.json");
        layout_index.as_object()["manifests"].as_array().push_back(
            {{"mediaType", "application/vnd.oci.image.index.v1+json"}, {"digest", digest}, {"size", bytes.size()},
             {"annotations", {{"org.opencontainers.image.ref.name", name}}}});
        write_bytes(store / "index.json", boost::json::serialize(layout_index));
    };

    SECTION("an index may list one image twice (two platforms, one manifest)")
    {
        name_index_of_listings("two:1", 2);
        const auto variant = convert_ok(store, "two:1", "zstd");
        const auto index = parse_json(read_text_file(store / "blobs" / "sha256" / variant.substr(7)), "variant index");
        REQUIRE(index.at("manifests").as_array().size() == 2);
        CHECK(index.at("manifests").at(0) == index.at("manifests").at(1));
    }
    SECTION("an index listing a manifest more than 10000 times is refused, the store unchanged")
    {
        name_index_of_listings("many:1", 10001);
        const auto before = store_snapshot::take(store);
        auto r = run_convert(store, {"many:1", "--compression", "zstd"});
        CHECK(r.exit_code == 1);
        CHECK(split_lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains("too large to convert"));
        CHECK(before == store_snapshot::take(store));
    }
    SECTION("a config whose bytes do not match its digest is refused, not re-issued under a new digest")
    {
        const auto config = store / "blobs" / "sha256" / json_string(manifest.at("config"), "digest").substr(7);
        auto bytes = read_text_file(config);
        bytes[bytes.size() / 2] ^= 1;
        fs::permissions(config, fs::perms::owner_write, fs::perm_options::add);
        write_bytes(config, bytes);
        const auto before = store_snapshot::take(store);
        auto r = run_convert(store, {"app:1", "--compression", "zstd"});
        CHECK(r.exit_code == 1);
        CHECK(split_lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains(json_string(manifest.at("config"), "digest")) &&
                              Catch::Contains("does not match its digest"));
        CHECK(before == store_snapshot::take(store));
    }
}
