// `lading bake` pushing to a real docker-registry: targets that share a layer push it where
// each needs it, and skopeo reads back the images the metadata file names.
#include <catch2/catch.hpp>

#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
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
