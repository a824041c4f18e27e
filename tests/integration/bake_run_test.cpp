// `lading bake` running targets: real bake files, the real binary, the local store read back
// with an independent OCI layout reader. Shared layers are built once, every image is the
// one a separate `lading export` makes, and the first failure cancels the rest.
#include <catch2/catch.hpp>

#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/random_data.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* epoch = "1700000000";

// A context worth sharing (a few MB that compress) and one small top layer per name.
void make_bake_trees(const fs::path& work, const std::vector<std::string>& tops)
{
    make_small_tree(work / "shared");
    write_text_file(work / "shared/words.txt", 6u << 20, 7);
    for (const auto& t : tops) make_small_tree(work / t, t);
}

process_result run_bake(const fs::path& file, std::vector<std::string> extra, const env_overrides& env = {})
{
    std::vector<std::string> args{"bake", "-f", file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return lading_cmd().run(args, env);
}

// The digest `lading export` gives the same target alone, in a store of its own.
std::string separate_export_digest(const fs::path& work, const std::string& top, const std::string& output,
                                   std::vector<std::string> extra = {})
{
    export_request req;
    req.layers = {work / "shared", work / top};
    req.outputs = {output};
    req.store = work / "separate-store";
    req.metadata_file = work / (top + "-separate.json");
    req.extra_args = std::move(extra);
    req.env["SOURCE_DATE_EPOCH"] = epoch;
    return export_ok(req).digest;
}

std::vector<std::string> lines_containing(const std::string& text, const std::string& needle)
{
    std::vector<std::string> out;
    for (const auto& line : split_lines(text))
        if (line.find(needle) != std::string::npos) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("lading bake builds a layer several targets share once, and each image is its separate export's",
          "[bake]")
{
    temp_dir work;
    make_bake_trees(work.path(), {"one", "two", "three"});
    std::ofstream(work / "lading-bake.json") << R"({
      "group": {"default": {"targets": ["one", "two", "three"]}},
      "target": {
        "common": {"context": "shared", "platforms": ["linux/amd64"]},
        "one": {"inherits": ["common"], "layers": ["one"], "tags": ["app/one:1"]},
        "two": {"inherits": ["common"], "layers": ["two"], "tags": ["app/two:1", "app/two:latest"],
                "env": {"MODE": "two"}, "labels": {"org.example.role": "second"}},
        "three": {"inherits": ["common"], "layers": ["three"], "tags": ["app/three:1"],
                  "output": ["type=image,compression=zstd"]}
      }
    })";
    auto r = run_bake(work / "lading-bake.json",
                      {"--store", (work / "store").string(), "--progress", "plain", "--metadata-file",
                       (work / "meta.json").string()},
                      {{"SOURCE_DATE_EPOCH", epoch}});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);

    // gzip for one and two, zstd for three: the shared context is compressed twice, not three times.
    const auto shared = (work / "shared").string() + " (";
    auto started = lines_containing(r.err, shared);
    std::size_t built = 0, reused = 0;
    for (const auto& line : started) {
        if (line.find(": started") == std::string::npos) continue;
        (line.find("built once and shared") != std::string::npos ? reused : built)++;
    }
    CHECK(built == 2);
    CHECK(reused == 1);
    // One display: every line of a target carries its name.
    CHECK_FALSE(lines_containing(r.err, "[one] layer " + (work / "one").string()).empty());
    CHECK_FALSE(lines_containing(r.err, "[three] layer " + (work / "three").string()).empty());

    auto meta = read_json_file(work / "meta.json").as_object();
    REQUIRE(meta.size() == 3);
    auto digest_of = [&](const char* target) { return json_string(meta.at(target), "containerimage.digest"); };
    CHECK(json_string(meta.at("two"), "image.name") == "app/two:1,app/two:latest");
    CHECK(digest_of("one") == separate_export_digest(work.path(), "one", "type=image,name=app/one:1"));
    CHECK(digest_of("two") == separate_export_digest(work.path(), "two", "type=image,\"name=app/two:1,app/two:latest\"",
                                                     {"--env", "MODE=two", "--label", "org.example.role=second"}));
    CHECK(digest_of("three") ==
          separate_export_digest(work.path(), "three", "type=image,name=app/three:1,compression=zstd"));

    // The bake's store holds what the separate exports' store holds: each blob once, every name.
    auto baked_names = oci_layout(work / "store").names(), separate_names = oci_layout(work / "separate-store").names();
    std::sort(baked_names.begin(), baked_names.end());
    std::sort(separate_names.begin(), separate_names.end());
    CHECK(baked_names == separate_names);
    std::vector<std::string> baked_blobs, separate_blobs;
    for (const auto& e : fs::directory_iterator(work / "store/blobs/sha256")) baked_blobs.push_back(e.path().filename());
    for (const auto& e : fs::directory_iterator(work / "separate-store/blobs/sha256"))
        separate_blobs.push_back(e.path().filename());
    std::sort(baked_blobs.begin(), baked_blobs.end());
    std::sort(separate_blobs.begin(), separate_blobs.end());
    CHECK(baked_blobs == separate_blobs);
    // Each target's line on stdout.
    CHECK(lines_containing(r.out, "one sha256:").size() == 1);
}

TEST_CASE("the first failing bake target cancels the others; finished ones keep their images", "[bake]")
{
    temp_dir work;
    make_bake_trees(work.path(), {"ok", "later"});
    write_random_file(work / "not-a-tar.tar", 5000, 3);
    fs::create_directories(work / "big");
    write_random_file(work / "big/noise.bin", 48u << 20, 11);
    std::ofstream(work / "bake.json") << R"({
      "group": {"default": {"targets": ["a-ok", "b-bad", "c-big", "d-later"]}},
      "target": {
        "a-ok": {"context": "ok", "tags": ["ok:1"]},
        "b-bad": {"context": "shared", "layers": ["not-a-tar.tar"], "tags": ["bad:1"]},
        "c-big": {"context": "big", "tags": ["big:1"]},
        "d-later": {"context": "later", "tags": ["later:1"]}
      }
    })";

    SECTION("one target at a time: the ones after the failure never start")
    {
        auto r = run_bake(work / "bake.json", {"a-ok", "b-bad", "d-later", "--store", (work / "store").string(),
                                               "--progress", "plain", "--metadata-file", (work / "meta.json").string()},
                          {{"LADING_THREADS", "1"}});
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("lading: target \"b-bad\" failed: layer " + (work / "not-a-tar.tar").string()) !=
              std::string::npos);
        CHECK(r.err.find("lading: target \"d-later\" cancelled: target \"b-bad\" failed") != std::string::npos);
        CHECK(lines_containing(r.err, (work / "later").string()).empty());

        auto meta = read_json_file(work / "meta.json").as_object();
        CHECK(json_string(meta.at("a-ok"), "image.name") == "ok:1");
        CHECK(json_string(meta.at("b-bad"), "lading.status") == "failed");
        CHECK(json_string(meta.at("b-bad"), "lading.error").find("not a valid tar archive") != std::string::npos);
        CHECK(json_string(meta.at("d-later"), "lading.status") == "cancelled");
        CHECK(oci_layout(work / "store").names() == std::vector<std::string>{"ok:1"});
    }
    SECTION("targets running together: the failure stops the other before its long layer is done")
    {
        // b-early fails at once (its base layout is missing), before taking any compression
        // thread; c-big, started beside it, has 48 MB to compress and never finishes.
        std::ofstream(work / "early.json") << R"({
          "target": {
            "b-early": {"context": "ok", "from": "oci-layout://)" + (work / "no-layout").string() + R"(:x", "tags": ["early:1"]},
            "c-big": {"context": "big", "tags": ["big:1"]}
          }
        })";
        auto r = run_bake(work / "early.json", {"b-early", "c-big", "--store", (work / "store").string(),
                                                "--progress", "plain", "--metadata-file", (work / "meta.json").string()},
                          {{"LADING_THREADS", "2"}});
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        auto meta = read_json_file(work / "meta.json").as_object();
        CHECK(json_string(meta.at("b-early"), "lading.status") == "failed");
        CHECK(json_string(meta.at("c-big"), "lading.status") == "cancelled");
        // c-big may have been stopped before it opened the store at all.
        CHECK((!fs::exists(work / "store" / "index.json") || oci_layout(work / "store").names().empty()));
        for (const auto& line : lines_containing(r.err, "[c-big] layer " + (work / "big").string()))
            CHECK(line.find(" done ") == std::string::npos);
    }
}

TEST_CASE("a bake target the exporter refuses stops the bake before anything is exported", "[bake]")
{
    temp_dir work;
    make_bake_trees(work.path(), {"one"});
    lading_cmd().run({"export", (work / "one").string(), "-o", "type=image,name=before:1", "--store",
                      (work / "store").string(), "--progress", "quiet"});
    const auto before = store_snapshot::take(work / "store");

    SECTION("a missing layer")
    {
        std::ofstream(work / "bake.json") << R"({"target": {
          "default": {"context": "one", "tags": ["fine:1"]},
          "broken": {"context": "shared", "layers": ["missing.tar"], "tags": ["broken:1"]}},
          "group": {"all": {"targets": ["default", "broken"]}}})";
        auto r = run_bake(work / "bake.json", {"all", "--store", (work / "store").string()});
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(split_lines(r.err).size() == 1);
        CHECK(r.err.find("target \"broken\": layer " + (work / "missing.tar").string() + " does not exist") !=
              std::string::npos);
    }
    SECTION("an output parameter")
    {
        std::ofstream(work / "bake.json") << R"({"target": {
          "default": {"context": "one", "output": ["type=image,name=x:1,compression-level=99"]}}})";
        auto r = run_bake(work / "bake.json", {"--store", (work / "store").string()});
        INFO(r.describe());
        CHECK(r.exit_code == 2);
        CHECK(split_lines(r.err).size() == 1);
        CHECK(r.err.find("target \"default\": ") != std::string::npos);
        CHECK(r.err.find("compression-level=99") != std::string::npos);
    }
    SECTION("a layer for a platform it does not build")
    {
        std::ofstream(work / "bake.json") << R"({"target": {"default": {"platforms": ["linux/amd64"],
          "context": "one", "layers": ["linux/amd46=one"], "tags": ["typo:1"]}}})";
        auto r = run_bake(work / "bake.json", {"--store", (work / "store").string()});
        INFO(r.describe());
        CHECK(r.exit_code == 2);
        CHECK(split_lines(r.err).size() == 1);
        CHECK(r.err.find("target \"default\": --layer linux/amd46=" + (work / "one").string() +
                         " names a platform that is not built") != std::string::npos);
    }
    CHECK(store_snapshot::take(work / "store") == before);
}

TEST_CASE("SIGINT stops a bake while it compresses a shared layer and leaves no temporary files", "[bake]")
{
    temp_dir work;
    make_bake_trees(work.path(), {"top"});
    fs::create_directories(work / "big");
    write_random_file(work / "big/noise.bin", 64u << 20, 13);
    fs::create_directories(work / "tmp");
    // Two targets share the context: it is built once, in the shared layers' directory.
    std::ofstream(work / "bake.json") << R"({"group": {"default": {"targets": ["a", "b"]}}, "target": {
      "a": {"context": "big", "layers": ["top"], "tags": ["big:a"]},
      "b": {"context": "big", "tags": ["big:b"]}}})";
    auto options = lading_cmd().options({"bake", "-f", (work / "bake.json").string(), "--store",
                                         (work / "store").string(), "--progress", "plain", "--metadata-file",
                                         (work / "meta.json").string()},
                                        {{"TMPDIR", (work / "tmp").string()}, {"LADING_THREADS", "1"}});
    options.stderr_file = work / "stderr";
    child_process child(options);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto compressing = [&] {
        return read_text_file(work / "stderr").find((work / "big").string() + " (gzip): started") != std::string::npos;
    };
    while (!compressing() && child.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(compressing());
    REQUIRE(child.running());
    CHECK_FALSE(fs::is_empty(work / "tmp"));  // the shared layers' directory
    const auto signalled = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    auto result = child.wait_for(std::chrono::seconds(20));
    CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(2));
    CHECK(result.exit_code == 1);  // not ended by the signal: the export stopped in time
    auto meta = read_json_file(work / "meta.json").as_object();
    for (const auto* target : {"a", "b"}) {  // one stopped while it compressed, one that never started
        CHECK(json_string(meta.at(target), "lading.status") == "cancelled");
        CHECK(json_string(meta.at(target), "lading.error") == "cancelled: interrupted");
    }
    CHECK(oci_layout(work / "store").names().empty());
    CHECK(fs::is_empty(work / "tmp"));  // the shared layers' directory is gone
}

TEST_CASE("a bake shard narrowed with --set leaves out the layers of the file's other platforms", "[bake]")
{
    temp_dir work;
    make_bake_trees(work.path(), {"one"});
    std::ofstream(work / "bake.json") << R"({"target": {"default": {"platforms": ["linux/amd64", "linux/arm64"],
      "context": "one", "layers": ["linux/arm64=missing-on-this-runner"], "tags": ["shard:1"]}}})";
    auto r = run_bake(work / "bake.json", {"--set", "*.platforms=linux/amd64", "--store", (work / "store").string(),
                                           "--progress", "quiet"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("default sha256:") != std::string::npos);
}
