// The index `lading imagetools create` composes, without any registry: annotation requests,
// the Docker-list-or-OCI-index decision, duplicates, and metadata files as sources.
#include <catch2/catch.hpp>

#include "imagetools/index_composer.hpp"
#include "imagetools/source_reference.hpp"

#include <lading/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

using namespace lading;
using namespace lading::imagetools;

namespace {

const std::string docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";

std::string hex_digest(char c) { return "sha256:" + std::string(64, c); }

index_child child(const std::string& media_type, char digest_char, const std::string& os_arch)
{
    boost::json::object o{{"mediaType", media_type}, {"digest", hex_digest(digest_char)}, {"size", 100}};
    if (!os_arch.empty()) {
        auto slash = os_arch.find('/');
        o["platform"] = boost::json::object{{"os", os_arch.substr(0, slash)}, {"architecture", os_arch.substr(slash + 1)}};
    }
    return child_from_json(o);
}

index_child attestation_for(char digest_char, char subject_char)
{
    auto c = child(oci_manifest, digest_char, "unknown/unknown");
    c.json["annotations"] = boost::json::object{{"vnd.docker.reference.digest", hex_digest(subject_char)},
                                                {"vnd.docker.reference.type", "attestation-manifest"}};
    return child_from_json(c.json);
}

boost::json::object document(const composed_index& index)
{
    return boost::json::parse(index.blob.bytes).as_object();
}

std::vector<annotation_request> requests(std::initializer_list<const char*> texts)
{
    std::vector<annotation_request> out;
    for (auto t : texts) out.push_back(parse_annotation_request(t));
    return out;
}

}  // namespace

TEST_CASE("annotation requests follow buildx's TYPE[[platform]]:KEY=VALUE", "[imagetools]")
{
    auto bare = parse_annotation_request("org.opencontainers.image.version=1.0");
    CHECK(bare.where == annotation_request::target::index);
    CHECK(bare.key == "org.opencontainers.image.version");
    CHECK(bare.value == "1.0");

    auto index = parse_annotation_request("index:a=b=c");
    CHECK(index.where == annotation_request::target::index);
    CHECK(index.key == "a");
    CHECK(index.value == "b=c");

    auto filtered = parse_annotation_request("manifest-descriptor[linux/arm64]:k=v");
    CHECK(filtered.where == annotation_request::target::manifest_descriptor);
    REQUIRE(filtered.only);
    CHECK(filtered.only->str() == "linux/arm64");

    CHECK_FALSE(parse_annotation_request("manifest-descriptor:k=v").only);
    CHECK_THROWS_AS(parse_annotation_request("manifest:k=v"), usage_error);
    CHECK_THROWS_AS(parse_annotation_request("index-descriptor:k=v"), usage_error);
    CHECK_THROWS_AS(parse_annotation_request("index[linux/amd64]:k=v"), usage_error);
    CHECK_THROWS_AS(parse_annotation_request("no-value"), usage_error);
    CHECK_THROWS_AS(parse_annotation_request("index:=v"), usage_error);
    CHECK_THROWS_AS(parse_annotation_request("manifest-descriptor[linux/amd64:k=v"), usage_error);
    // The index is JSON: a value that is not UTF-8 is refused, one that is passes.
    CHECK_THROWS_WITH(parse_annotation_request("index:note=caf\xe9"),
                      "--annotation is not valid UTF-8 (at byte 15); an index is JSON, which must be UTF-8");
    CHECK(parse_annotation_request("index:note=caf\xc3\xa9").value == "caf\xc3\xa9");
}

TEST_CASE("Docker-typed children make a Docker manifest list, anything else an OCI index", "[imagetools]")
{
    auto docker = compose_index({child(docker_manifest, 'a', "linux/amd64"), child(docker_manifest, 'b', "linux/arm64")},
                                {}, {});
    CHECK(docker.docker_list);
    CHECK(docker.blob.descriptor.media_type == "application/vnd.docker.distribution.manifest.list.v2+json");
    CHECK(document(docker).at("mediaType") == "application/vnd.docker.distribution.manifest.list.v2+json");
    CHECK(document(docker).at("manifests").as_array().size() == 2);
    CHECK_FALSE(document(docker).contains("annotations"));

    auto mixed = compose_index({child(docker_manifest, 'a', "linux/amd64"), child(oci_manifest, 'b', "linux/arm64")}, {}, {});
    CHECK_FALSE(mixed.docker_list);
    CHECK(mixed.blob.descriptor.media_type == "application/vnd.oci.image.index.v1+json");
    CHECK(document(mixed).at("schemaVersion") == 2);

    SECTION("an annotation a Docker list cannot carry is an error, never dropped")
    {
        CHECK_THROWS_AS(compose_index(docker.children, {}, requests({"index:k=v"})), usage_error);
        CHECK_THROWS_AS(compose_index(docker.children, {}, requests({"manifest-descriptor:k=v"})), usage_error);
        CHECK_THROWS_AS(compose_index(docker.children, {{"carried", "v"}}, {}), usage_error);
    }
}

TEST_CASE("annotations land on the index and on the descriptors of the platform named", "[imagetools]")
{
    auto index = compose_index({child(oci_manifest, 'a', "linux/amd64"), child(oci_manifest, 'b', "linux/arm64")},
                               {{"carried", "old"}, {"replaced", "old"}},
                               requests({"index:replaced=new", "plain=yes", "manifest-descriptor[linux/arm64]:arch=arm",
                                         "manifest-descriptor:all=1"}));
    auto doc = document(index);
    INFO(boost::json::serialize(doc));
    CHECK(doc.at("annotations") == boost::json::parse(R"({"carried":"old","replaced":"new","plain":"yes"})"));
    const auto& m = doc.at("manifests").as_array();
    CHECK(m[0].at("annotations") == boost::json::parse(R"({"all":"1"})"));
    CHECK(m[1].at("annotations") == boost::json::parse(R"({"all":"1","arch":"arm"})"));
    // The descriptor of the bytes is the canonical JSON's.
    CHECK(index.blob.descriptor.digest == digest::of(index.blob.bytes));

    CHECK_THROWS_AS(compose_index(index.children, {}, requests({"manifest-descriptor[linux/s390x]:k=v"})), usage_error);
}

TEST_CASE("children keep their order and attestations; one digest once, two of one platform both", "[imagetools]")
{
    auto amd = child(oci_manifest, 'a', "linux/amd64");
    auto att = attestation_for('c', 'a');
    auto other_amd = child(oci_manifest, 'b', "linux/amd64");
    auto index = compose_index({amd, att, amd, other_amd}, {}, {});
    const auto doc = document(index);
    const auto& m = doc.at("manifests").as_array();
    REQUIRE(m.size() == 3);
    CHECK(m[0].at("digest").as_string() == hex_digest('a'));
    CHECK(m[1].at("annotations").at("vnd.docker.reference.digest").as_string() == hex_digest('a'));
    CHECK(m[2].at("digest").as_string() == hex_digest('b'));
    REQUIRE(index.warnings.size() == 1);
    CHECK_THAT(index.warnings[0], Catch::Contains("two linux/amd64 images"));

    // Fields lading does not model travel as they are.
    auto windows = child(oci_manifest, 'd', "windows/amd64");
    windows.json["platform"].as_object()["os.version"] = "10.0.17763.1879";
    auto kept = compose_index({child_from_json(windows.json)}, {}, {});
    CHECK(document(kept).at("manifests").at(0).at("platform").at("os.version") == "10.0.17763.1879");

    CHECK_THROWS_AS(compose_index({}, {}, {}), usage_error);
}

TEST_CASE("metadata files of export and bake name the pushed images", "[imagetools]")
{
    const auto d1 = hex_digest('1');
    const auto d2 = hex_digest('2');
    auto one = sources_from_metadata_text(R"({"containerimage.digest":")" + d1 +
                                              R"(","image.name":"127.0.0.1:5000/team/app,127.0.0.1:5000/team/app@)" + d1 +
                                              R"("})",
                                          "a.json");
    REQUIRE(one.size() == 1);
    CHECK(one[0].kind == source_kind::registry);
    CHECK(one[0].image.domain == "127.0.0.1:5000");
    CHECK(one[0].image.repository == "team/app");
    CHECK(one[0].image.digest == d1);
    CHECK(one[0].image.tag.empty());

    auto bake = sources_from_metadata_text(R"({"amd64":{"containerimage.digest":")" + d1 +
                                               R"(","image.name":"reg.example/app:1"},"arm64":{"containerimage.digest":")" +
                                               d2 + R"(","image.name":"reg.example/app:1"}})",
                                           "bake.json");
    REQUIRE(bake.size() == 2);
    CHECK(bake[0].image.digest == d1);
    CHECK(bake[1].image.digest == d2);
    CHECK(bake[1].image.domain == "reg.example");

    CHECK_THROWS_WITH(sources_from_metadata_text(R"({"arm64":{"lading.error":"layer failed"}})", "bake.json"),
                      Catch::Contains("target arm64 failed: layer failed"));
    CHECK_THROWS_AS(sources_from_metadata_text(R"({"containerimage.digest":")" + d1 + R"("})", "x.json"), error);
    CHECK_THROWS_AS(sources_from_metadata_text("[1]", "x.json"), error);
    CHECK_THROWS_AS(sources_from_metadata_text("{}", "x.json"), error);
}

TEST_CASE("sources are registry references or OCI layouts", "[imagetools]")
{
    auto layout = parse_source("oci-layout://./out/dir:v1");
    CHECK(layout.kind == source_kind::layout);
    CHECK(layout.layout_dir == "./out/dir");
    CHECK(layout.reference == "v1");
    auto by_digest = parse_source("oci-layout:///abs/dir@" + hex_digest('e'));
    CHECK(by_digest.layout_dir == "/abs/dir");
    CHECK(by_digest.reference == hex_digest('e'));
    CHECK_THROWS_AS(parse_source("oci-layout://dir"), usage_error);
    CHECK_THROWS_AS(parse_source("oci-layout://dir@sha256:short"), error);

    auto reg = parse_source("127.0.0.1:5000/app:amd64");
    CHECK(reg.kind == source_kind::registry);
    CHECK(reg.image.tag == "amd64");
    CHECK_THROWS_AS(parse_source("bad//name"), usage_error);
}
