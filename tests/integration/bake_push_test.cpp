// `lading bake` pushing to a real docker-registry: targets that share a layer push it where
// each needs it, once per repository; a layer only one target uses is streamed while it is
// built; skopeo reads back the images the metadata file names.
#include <catch2/catch.hpp>

#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> layer_digests(const std::string& ref)
{
    auto r = run_process({"skopeo", "inspect", "--tls-verify=false", "docker://" + ref});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> out;
    const auto inspected = boost::json::parse(r.out);
    for (const auto& l : inspected.at("Layers").as_array()) out.emplace_back(l.as_string());
    return out;
}

// A context of one 16 MiB file that no compressor shrinks, under work/shared.
void make_shared_context(const temp_dir& work, std::uint64_t seed)
{
    fs::create_directories(work / "shared");
    write_random_file(work / "shared" / "assets.bin", 16u << 20, seed);
}

// `lading bake` of `bake_file` (written as work/lading-bake.json) with the store work/store and
// the metadata file work/meta.json, at a fixed SOURCE_DATE_EPOCH; REQUIREs success.
process_result bake_ok(const temp_dir& work, const std::string& bake_file, env_overrides env)
{
    std::ofstream(work / "lading-bake.json") << bake_file;
    env["SOURCE_DATE_EPOCH"] = "1700000000";
    auto r = lading_cmd().run({"bake", "-f", (work / "lading-bake.json").string(), "--store", (work / "store").string(),
                               "--progress", "plain", "--metadata-file", (work / "meta.json").string()},
                              env);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    return r;
}

// Targets "one" and "two" of the context work/shared, pushed to ${REGISTRY}/bake/one:1 and
// ${REGISTRY}/bake/two:1.
const char* const two_repositories_bake_file = R"({
  "variable": {"REGISTRY": {"default": "unset"}},
  "group": {"default": {"targets": ["one", "two"]}},
  "target": {
    "one": {"context": "shared", "tags": ["${REGISTRY}/bake/one:1"], "output": ["type=registry,store=false"]},
    "two": {"context": "shared", "tags": ["${REGISTRY}/bake/two:1"], "output": ["type=registry,store=false"]}
  }
})";

}  // namespace

TEST_CASE("lading bake pushes targets that share a layer to a registry", "[registry][bake]")
{
    temp_dir work;
    registry_server registry;
    make_small_tree(work / "shared");
    write_text_file(work / "shared/words.txt", 2u << 20, 5);
    make_small_tree(work / "one", "one");
    make_small_tree(work / "two", "two");
    const auto one = registry.address() + "/bake/one:1", two = registry.address() + "/bake/two:1";
    std::ofstream(work / "lading-bake.json") << R"({
      "variable": {"REGISTRY": {"default": "unset"}},
      "group": {"default": {"targets": ["one", "two"]}},
      "target": {
        "one": {"context": "shared", "layers": ["one"], "tags": ["${REGISTRY}/bake/one:1"],
                "output": ["type=registry"]},
        "two": {"context": "shared", "layers": ["two"], "tags": ["${REGISTRY}/bake/two:1"],
                "output": ["type=registry,store=false"]}
      }
    })";
    auto r = lading_cmd().run({"bake", "-f", (work / "lading-bake.json").string(), "--store", (work / "store").string(),
                               "--progress", "plain", "--metadata-file", (work / "meta.json").string()},
                              {{"REGISTRY", registry.address()}, {"SOURCE_DATE_EPOCH", "1700000000"}});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);

    auto meta = read_json_file(work / "meta.json").as_object();
    CHECK(skopeo_digest(one, {"--tls-verify=false"}) == json_string(meta.at("one"), "containerimage.digest"));
    CHECK(skopeo_digest(two, {"--tls-verify=false"}) == json_string(meta.at("two"), "containerimage.digest"));
    const auto one_layers = layer_digests(one), two_layers = layer_digests(two);
    REQUIRE(one_layers.size() == 2);
    REQUIRE(two_layers.size() == 2);
    CHECK(one_layers[0] == two_layers[0]);  // the shared context, built once
    CHECK(one_layers[1] != two_layers[1]);
}

TEST_CASE("lading bake targets pushing a shared layer to one repository at once upload it once", "[registry][bake]")
{
    // Three targets with one context, pushed side by side to three tags of one repository: the
    // first build's bytes reach every target at the same moment (the layer memo), so all three
    // pushes want the layer at once. The registry sits behind a counting proxy.
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    make_shared_context(work, 21);
    const auto repo = proxy.address() + "/bake/app";
    bake_ok(work, R"({
      "variable": {"REPO": {"default": "unset"}},
      "group": {"default": {"targets": ["a", "b", "c"]}},
      "target": {
        "a": {"context": "shared", "tags": ["${REPO}:a"], "output": ["type=registry,store=false"]},
        "b": {"context": "shared", "tags": ["${REPO}:b"], "output": ["type=registry,store=false"]},
        "c": {"context": "shared", "tags": ["${REPO}:c"], "output": ["type=registry,store=false"]}
      }
    })", {{"REPO", repo}, {"LADING_THREADS", "3"}});
    CHECK(count_greetings(proxy) == 1);  // the three targets' sessions greet the registry once

    const auto layers = layer_digests(repo + ":a");
    REQUIRE(layers.size() == 1);
    for (const auto* tag : {":b", ":c"}) CHECK(layer_digests(repo + tag) == layers);
    const auto meta = read_json_file(work / "meta.json").as_object();
    for (const auto* t : {"a", "b", "c"})
        CHECK(skopeo_digest(repo + ":" + t, {"--tls-verify=false"}) == json_string(meta.at(t), "containerimage.digest"));
    const auto hex = layers[0].substr(7);
    CHECK(count_requests(proxy, 0, "PUT", {"/v2/bake/app/blobs/uploads/", hex}) == 1);
    CHECK(count_requests(proxy, 0, "PATCH", {"/v2/bake/app/blobs/uploads/"}) == 0);
    require_skopeo_copy_intact(repo + ":c", work / "copy");
}

TEST_CASE("lading bake targets pushing a shared layer to two repositories of one registry upload it once", "[registry][bake]")
{
    // Two targets with one context, pushed side by side to two repositories: one uploads the
    // layer, the other mounts it from there once that upload ended.
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    make_shared_context(work, 22);
    bake_ok(work, two_repositories_bake_file, {{"REGISTRY", proxy.address()}, {"LADING_THREADS", "2"}});

    const auto one = proxy.address() + "/bake/one:1", two = proxy.address() + "/bake/two:1";
    const auto layers = layer_digests(one);
    REQUIRE(layers.size() == 1);
    CHECK(layer_digests(two) == layers);
    const auto hex = layers[0].substr(7);
    CHECK(count_requests(proxy, 0, "PUT", {"/blobs/uploads/", hex}) == 1);
    CHECK(count_requests(proxy, 0, "POST", {"/blobs/uploads/", "mount=", hex}) == 1);
    require_skopeo_copy_intact(one, work / "copy-one");
    require_skopeo_copy_intact(two, work / "copy-two");
}

TEST_CASE("a mount the registry refuses is followed by an upload", "[registry][bake]")
{
    // Every mount into the second repository (of the shared config or layer, whichever target
    // sent a blob first) is answered 403. Those blobs are uploaded instead and both images are
    // complete.
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    proxy.answer_if_query("POST", "^/v2/bake/(one|two)/blobs/uploads/$", "mount=", 100,
                          {403, {}, R"({"errors":[{"code":"DENIED","message":"no pull access"}]})"});
    make_shared_context(work, 23);
    bake_ok(work, two_repositories_bake_file, {{"REGISTRY", proxy.address()}, {"LADING_THREADS", "2"}});

    const auto one = proxy.address() + "/bake/one:1", two = proxy.address() + "/bake/two:1";
    const auto layers = layer_digests(one);
    CHECK(layer_digests(two) == layers);
    // One repository was refused its mount of the layer, so both uploaded it.
    const auto hex = layers.at(0).substr(7);
    CHECK(count_requests(proxy, 0, "POST", {"/blobs/uploads/", "mount=", hex}) == 1);
    CHECK(count_requests(proxy, 0, "PUT", {"/blobs/uploads/", hex}) == 2);
    require_skopeo_copy_intact(one, work / "copy-one");
    require_skopeo_copy_intact(two, work / "copy-two");
}

TEST_CASE("lading bake streams a layer only one target uses while it is built, and builds a shared one once",
          "[registry][bake]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    make_shared_context(work, 24);
    for (const auto* own : {"own-a", "own-b"}) {
        fs::create_directories(work / own);
        write_random_file(work / own / "data.bin", 4u << 20, own[4]);
    }
    const auto r = bake_ok(work, R"({
      "variable": {"REGISTRY": {"default": "unset"}},
      "group": {"default": {"targets": ["a", "b"]}},
      "target": {
        "a": {"context": "shared", "layers": ["own-a"], "tags": ["${REGISTRY}/bake/a:1"], "output": ["type=registry,store=false"]},
        "b": {"context": "shared", "layers": ["own-b"], "tags": ["${REGISTRY}/bake/b:1"], "output": ["type=registry,store=false"]}
      }
    })", {{"REGISTRY", proxy.address()}, {"LADING_THREADS", "2"}});
    INFO(r.err);

    // Each target's own layer went up in one streamed PATCH; the shared one was built once,
    // taken by the other target, and pushed after it was built (no PATCH).
    CHECK(count_requests(proxy, 0, "PATCH", {"/v2/bake/a/blobs/uploads/"}) == 1);
    CHECK(count_requests(proxy, 0, "PATCH", {"/v2/bake/b/blobs/uploads/"}) == 1);
    CHECK(r.err.find("built once and shared") != std::string::npos);
    const auto a = proxy.address() + "/bake/a:1", b = proxy.address() + "/bake/b:1";
    const auto a_layers = layer_digests(a), b_layers = layer_digests(b);
    REQUIRE(a_layers.size() == 2);
    REQUIRE(b_layers.size() == 2);
    CHECK(a_layers[0] == b_layers[0]);
    CHECK(a_layers[1] != b_layers[1]);
    const auto meta = read_json_file(work / "meta.json").as_object();
    CHECK(skopeo_digest(a, {"--tls-verify=false"}) == json_string(meta.at("a"), "containerimage.digest"));
    CHECK(skopeo_digest(b, {"--tls-verify=false"}) == json_string(meta.at("b"), "containerimage.digest"));
    require_skopeo_copy_intact(a, work / "copy-a");
    require_skopeo_copy_intact(b, work / "copy-b");
}
