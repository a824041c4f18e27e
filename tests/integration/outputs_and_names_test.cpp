// Several --output specs and several names per spec, name-canonical, dangling-name-prefix,
// store=false; `lading images`, `lading inspect` and `lading plugins` agree with the store.
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/image_name.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/required_tool.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

// A listed name that is `base@digest` (as given or normalised); `base` may carry a tag
// ("a:1@sha256:..." is what BuildKit's name-canonical gives for "a:1").
std::optional<image_listing_entry> find_canonical(const std::vector<image_listing_entry>& list,
                                                  const std::vector<std::string>& bases,
                                                  const std::string& digest) {
    for (const auto& b : bases)
        if (auto e = find_listed(list, b + "@" + digest)) return e;
    return std::nullopt;
}

}  // namespace

TEST_CASE("several outputs and names", "[integration][names]") {
    require_tools({tools::skopeo});
    temp_dir work;
    const fs::path store = work / "store";
    const fs::path tree = work / "small";
    make_small_tree(tree);

    SECTION("two outputs, three names") {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,\"name=a:1,b:2\",oci-mediatypes=false", "type=image,name=c:3"},
            .store = store,
        };
        require_success(run_export(req));

        auto list = list_images(store);
        INFO(describe_listing(list));
        auto a = find_listed(list, "a:1"), b = find_listed(list, "b:2"), c = find_listed(list, "c:3");
        REQUIRE(a);
        REQUIRE(b);
        REQUIRE(c);
        CHECK(a->digest == b->digest);  // one output, one image, two names
        CHECK(a->digest != c->digest);  // Docker vs OCI media types

        oci_layout layout(store);
        for (const std::string name : {"a:1", "b:2", "c:3"}) {
            auto entry = layout.find_entry(name);
            INFO(name << " in index.json: " << boost::json::serialize(layout.index()));
            REQUIRE(entry);
            CHECK(json_string(entry->at("annotations"), containerd_name_annotation) == normalize_image_name(name));
            CHECK(json_string(*entry, "digest") == find_listed(list, name)->digest);
        }
        CHECK(json_string(*layout.find_entry("a:1"), "mediaType") == expected_manifest_media_type(false));
        CHECK(json_string(*layout.find_entry("c:3"), "mediaType") == expected_manifest_media_type(true));

        auto inspect = run_process({"skopeo", "inspect", "oci:" + store.string() + ":c:3"}, 2min);
        INFO(inspect.describe());
        CHECK(inspect.succeeded());

        // `lading inspect` prints the stored manifest.
        for (const std::string name : {"a:1", "c:3"}) {
            auto r = lading_cmd().run({"inspect", name, "--store", store.string()}, {}, 1min);
            require_success(r);
            INFO(r.describe());
            CHECK(parse_json(r.out, "lading inspect") == layout.read_json_blob(find_listed(list, name)->digest));
        }
    }

    SECTION("one output with two names: metadata image.name lists both") {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,\"name=a:1,b:2\",oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "meta.json",
        };
        auto meta = export_ok(req);
        CHECK(meta.image_name.find("a:1") != std::string::npos);
        CHECK(meta.image_name.find("b:2") != std::string::npos);
        auto list = list_images(store);
        INFO(describe_listing(list));
        REQUIRE(find_listed(list, "a:1"));
        CHECK(find_listed(list, "a:1")->digest == meta.digest);
        REQUIRE(find_listed(list, "b:2"));
        CHECK(find_listed(list, "b:2")->digest == meta.digest);
    }

    SECTION("name-canonical=true adds NAME@sha256:...") {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,name=canon:1,name-canonical=true,oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "meta.json",
        };
        auto meta = export_ok(req);
        auto list = list_images(store);
        INFO(describe_listing(list) << "expected canon:1 and canon:1@" << meta.digest);
        REQUIRE(find_listed(list, "canon:1"));
        CHECK(find_listed(list, "canon:1")->digest == meta.digest);
        auto canonical = find_canonical(list, {"canon:1", "canon"}, meta.digest);
        REQUIRE(canonical);
        CHECK(canonical->digest == meta.digest);
    }

    SECTION("dangling-name-prefix=dang adds dang@sha256:...") {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,name=named:1,dangling-name-prefix=dang,oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "meta.json",
        };
        auto meta = export_ok(req);
        auto list = list_images(store);
        INFO(describe_listing(list) << "expected named:1 and dang@" << meta.digest);
        REQUIRE(find_listed(list, "named:1"));
        auto dangling = find_listed(list, "dang@" + meta.digest);
        REQUIRE(dangling);
        CHECK(dangling->digest == meta.digest);
        CHECK(meta.image_name.find("dang@" + meta.digest) != std::string::npos);
    }

    SECTION("dangling-name-prefix without a name gives only the dangling name") {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,dangling-name-prefix=dang,oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "meta.json",
        };
        auto meta = export_ok(req);
        auto list = list_images(store);
        INFO(describe_listing(list));
        REQUIRE(list.size() == 1);
        CHECK(same_image_name(list[0].name, "dang@" + meta.digest));
    }

    SECTION("store=false leaves the store byte-identical and still writes the metadata") {
        export_request first{
            .layers = {tree},
            .outputs = {"type=image,name=keep:1,oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "keep.json",
        };
        export_ok(first);
        const auto before = store_snapshot::take(store);

        const fs::path other = work / "other";
        make_small_tree(other, "other");
        export_request req{
            .layers = {other},
            .outputs = {"type=image,name=nostore:1,store=false,oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "nostore.json",
        };
        auto meta = export_ok(req);
        CHECK(meta.digest.size() == 71);
        CHECK(meta.config_digest.rfind("sha256:", 0) == 0);
        CHECK(json_string(meta.descriptor, "digest") == meta.digest);

        const auto after = store_snapshot::take(store);
        INFO("store changes:\n" << before.describe_differences_to(after));
        CHECK(before == after);
        auto list = list_images(store);
        INFO(describe_listing(list));
        CHECK_FALSE(find_listed(list, "nostore:1"));
    }

    SECTION("store=false on a store that does not exist creates nothing") {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,name=nostore:1,store=false,oci-mediatypes=true"},
            .store = store,
            .metadata_file = work / "nostore.json",
        };
        auto meta = export_ok(req);
        CHECK(meta.digest.rfind("sha256:", 0) == 0);
        CHECK_FALSE(fs::exists(store));
    }
}

TEST_CASE("progress names an image only once the name is bound in the store", "[integration][names]") {
    temp_dir work;
    const fs::path tree = work / "small";
    make_small_tree(tree);
    export_request req{
        .layers = {tree},
        .outputs = {"type=image,\"name=a:1,b:2\"", "type=image,name=kept-out:1,store=false"},
        .store = work / "store",
        .progress = "plain",
    };
    auto r = run_export(req);
    require_success(r);
    INFO(r.describe());
    const auto digests = split_lines(r.out);
    REQUIRE(digests.size() == 2);
    const auto lines = split_lines(r.err);
    auto has_line = [&](const std::string& start) {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(start, 0) == 0; });
    };
    CHECK(has_line("exported " + digests[0]));
    CHECK(has_line("exported " + digests[1]));
    CHECK(has_line("named a:1 in "));
    CHECK(has_line("named b:2 in "));
    // store=false without push: that name is bound nowhere, so progress never shows it.
    CHECK(r.err.find("kept-out:1") == std::string::npos);
}

TEST_CASE("a name whose digest is not the image's is refused; one that is, is bound", "[integration][names]") {
    temp_dir work;
    const fs::path tree = work / "small";
    make_small_tree(tree);
    export_request req{.layers = {tree}, .outputs = {"type=image,name=plain:1"}, .store = work / "store"};
    req.env["SOURCE_DATE_EPOCH"] = "1700000000";
    auto first = run_export(req);
    require_success(first);
    const auto digest = split_lines(first.out).at(0);

    const std::string other = "sha256:" + std::string(64, '0');
    req.outputs = {"type=image,name=wrong@" + other};
    auto refused = run_export(req);
    INFO(refused.describe());
    CHECK(refused.exit_code == 1);
    REQUIRE(split_lines(refused.err).size() == 1);
    CHECK_THAT(refused.err, Catch::Contains("wrong@" + other) && Catch::Contains(digest));
    CHECK_FALSE(find_listed(list_images(req.store), "wrong@" + other));

    req.outputs = {"type=image,name=right@" + digest};
    auto bound = run_export(req);
    INFO(bound.describe());
    require_success(bound);
    const auto listed = find_listed(list_images(req.store), "right@" + digest);
    REQUIRE(listed);
    CHECK(listed->digest == digest);
}

TEST_CASE("a name given twice, or made again by name-canonical or dangling-name-prefix, is one index entry",
          "[integration][names]") {
    require_tools({tools::umoci});
    temp_dir work;
    const fs::path tree = work / "small";
    make_small_tree(tree);
    export_request req{.layers = {tree}, .outputs = {"type=image,\"name=twice:1,twice:1\""}, .store = work / "store"};
    req.env["SOURCE_DATE_EPOCH"] = "1700000000";
    auto first = run_export(req);
    require_success(first);
    const auto digest = split_lines(first.out).at(0);
    // name-canonical makes canon:1@DIGEST, which is also given; the dangling prefix makes
    // dang@DIGEST, which is also given.
    req.outputs = {"type=image,\"name=canon:1,canon:1@" + digest + "\",name-canonical=true",
                   "type=image,name=dang@" + digest + ",dangling-name-prefix=dang"};
    require_success(run_export(req));

    oci_layout layout(req.store);
    auto names = layout.names();
    INFO("index.json: " << boost::json::serialize(layout.index()));
    for (const auto& name : std::vector<std::string>{"twice:1", "canon:1", "canon:1@" + digest, "dang@" + digest})
        CHECK(std::count(names.begin(), names.end(), name) == 1);
    CHECK(names.size() == 4);
    // umoci refuses a layout where a tag names two entries ("tag is ambiguous").
    auto unpacked = run_process({"umoci", "unpack", "--rootless", "--image", req.store.string() + ":twice:1",
                                 (work / "bundle").string()},
                                2min);
    INFO(unpacked.describe());
    CHECK(unpacked.succeeded());
}

TEST_CASE("a repeated --label keeps its last value, as docker's --label does", "[integration][names]") {
    temp_dir work;
    const fs::path tree = work / "small";
    make_small_tree(tree);
    export_request req{.layers = {tree},
                       .outputs = {"type=image,name=labelled:1"},
                       .store = work / "store",
                       .extra_args = {"--label", "k=first", "--label", "other=1", "--label", "k=second"}};
    require_success(run_export(req));
    oci_layout layout(req.store);
    auto manifest = layout.read_json_blob(json_string(*layout.find_entry("labelled:1"), "digest"));
    auto config = layout.read_json_blob(json_string(manifest.at("config"), "digest"));
    CHECK(json_string(config.at("config").at("Labels"), "k") == "second");
    CHECK(json_string(config.at("config").at("Labels"), "other") == "1");
}

TEST_CASE("lading plugins lists the in-tree plugins", "[integration][names]") {
    auto r = lading_cmd().run({"plugins"}, {}, 1min);
    require_success(r);
    INFO(r.describe());
    std::vector<plugin_listing_entry> plugins;
    try {
        plugins = parse_plugin_listing(r.out);
    } catch (const std::exception& e) {
        FAIL(e.what());
    }
    for (const std::string name : {"gzip", "zstd", "uncompressed"}) {
        auto it = std::find_if(plugins.begin(), plugins.end(), [&](const plugin_listing_entry& p) {
            return p.kind == "compressor" && p.name == name;
        });
        INFO("compressor " << name);
        REQUIRE(it != plugins.end());
        CHECK_FALSE(it->version.empty());
        CHECK_FALSE(it->abi.empty());
        CHECK(fs::exists(it->file));
    }
}
