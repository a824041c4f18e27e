#include "export/annotations.hpp"
#include <lading/error.hpp>
#include <lading/host_config.hpp>
#include <lading/export/output_spec.hpp>

#include <catch2/catch.hpp>

using namespace lading;

TEST_CASE("host configuration: registries, plugin path, parallel uploads", "[config]")
{
    auto c = parse_host_config(R"({"plugin_path":["/p"],"parallel_uploads":8,
        "registries":{"r:5000":{"http":true,"ca":["/ca.pem"],"mirrors":["m:1"]},"s":{"insecure":true}}})",
                               "test.json");
    CHECK(c.plugin_path == std::vector<std::filesystem::path>{"/p"});
    CHECK(c.parallel_uploads == 8);
    REQUIRE(c.registry("r:5000"));
    CHECK(c.registry("r:5000")->http);
    CHECK(c.registry("r:5000")->mirrors == std::vector<lading::mirror_location>{{"m:1", "m:1", ""}});
    CHECK(c.registry("s")->insecure);
    CHECK_FALSE(c.registry("other"));
}

TEST_CASE("host configuration errors name the file and the key", "[config]")
{
    CHECK_THROWS_WITH(parse_host_config(R"({"registries":{"r":{"htp":true}}})", "c.json"),
                      Catch::Contains("c.json") && Catch::Contains("registries.r.htp"));
    CHECK_THROWS_WITH(parse_host_config(R"({"parallel_uploads":0})", "c.json"), Catch::Contains("parallel_uploads"));
    CHECK_THROWS_WITH(parse_host_config(R"({"registries":{"r":{"http":"yes"}}})", "c.json"), Catch::Contains("true or false"));
    CHECK_THROWS_WITH(parse_host_config("[", "c.json"), Catch::Contains("c.json"));
}

TEST_CASE("annotations land where their type says, filtered by platform", "[annotations]")
{
    auto spec = parse_output_spec("type=image,annotation.a=1,annotation-manifest.b=2,annotation-manifest-descriptor.c=3,"
                                  "annotation-index.d=4,annotation-index-descriptor.e=5,annotation[linux/arm64].f=6");
    auto amd = platform::parse("linux/amd64"), arm = platform::parse("linux/arm64");
    auto single = annotations_for_manifest(spec, amd, false);
    CHECK(single.manifest == annotation_map{{"a", "1"}, {"b", "2"}});
    CHECK(single.descriptor == annotation_map{{"c", "3"}});
    CHECK(annotations_for_manifest(spec, arm, true).manifest == annotation_map{{"a", "1"}, {"b", "2"}, {"f", "6"}});
    CHECK(annotations_for_manifest(spec, amd, true).manifest == annotation_map{{"a", "1"}, {"b", "2"}});
    auto index = annotations_for_index(spec);
    CHECK(index.index == annotation_map{{"d", "4"}});
    CHECK(index.descriptor == annotation_map{{"e", "5"}});
    CHECK_NOTHROW(check_annotation_platforms(spec, {amd, arm}));
    CHECK_THROWS_WITH(check_annotation_platforms(spec, {amd}), Catch::Contains("no platform linux/arm64 found"));
    CHECK_THROWS_WITH(parse_annotation_key("annotation-bogus.k"), Catch::Contains("unrecognized annotation type"));
}

TEST_CASE("a platform's own annotation wins over a plain one, whatever the keys' order", "[annotations]")
{
    // "annotation-...[linux/amd64].KEY" sorts before "annotation.KEY".
    auto spec = parse_output_spec("type=image,annotation.k=all,annotation-manifest[linux/amd64].k=amd,"
                                  "annotation-index[linux/amd64].i=amd,annotation-index.i=all");
    const auto amd = platform::parse("linux/amd64"), arm = platform::parse("linux/arm64");
    CHECK(annotations_for_manifest(spec, amd, true).manifest == annotation_map{{"k", "amd"}});
    CHECK(annotations_for_manifest(spec, arm, true).manifest == annotation_map{{"k", "all"}});
    CHECK(annotations_for_manifest(spec, amd, false).manifest == annotation_map{{"k", "all"}});
    CHECK(annotations_for_index(spec).index == annotation_map{{"i", "amd"}});
}
