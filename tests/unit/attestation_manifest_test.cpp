#include "attestation/attestation_manifest.hpp"
#include "attestation/statement.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace lading::attestation;
using lading::descriptor;
using lading::digest;

namespace {

constexpr const char* oci_manifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* oci_config = "application/vnd.oci.image.config.v1+json";

std::vector<lading::json_blob> two_statements()
{
    auto spdx = parse_statement(
        R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"https://spdx.dev/Document","predicate":{"spdxVersion":"SPDX-2.3"}})",
        attestation_kind::sbom, "sbom");
    auto slsa = parse_statement(
        R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v0.2","predicate":{"builder":{"id":"x"}}})",
        attestation_kind::provenance, "prov");
    std::vector<subject> subjects{{"_", digest::of("platform manifest")}};
    return {render_statement(spdx, subjects), render_statement(slsa, subjects)};
}

descriptor platform_manifest()
{
    descriptor d{oci_manifest, digest::of("platform manifest"), 1234, {{"user", "annotation"}},
                 lading::platform::parse("linux/amd64"), {}};
    return d;
}

void check_layers_and_entry(const attestation_manifest& made, const boost::json::object& m,
                            const std::vector<lading::json_blob>& statements)
{
    const auto& layers = m.at("layers").as_array();
    REQUIRE(layers.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(layers[i].at("mediaType") == "application/vnd.in-toto+json");
        CHECK(layers[i].at("digest").as_string() == statements[i].descriptor.digest.str());
        CHECK(layers[i].at("size") == statements[i].bytes.size());
    }
    CHECK(layers[0].at("annotations").at("in-toto.io/predicate-type") == "https://spdx.dev/Document");
    CHECK(layers[1].at("annotations").at("in-toto.io/predicate-type") == "https://slsa.dev/provenance/v0.2");

    const auto& e = made.index_entry;
    CHECK(e.media_type == oci_manifest);
    CHECK(e.digest == made.manifest.descriptor.digest);
    CHECK(e.size == made.manifest.bytes.size());
    REQUIRE(e.platform);
    CHECK(e.platform->os == "unknown");
    CHECK(e.platform->architecture == "unknown");
    CHECK(e.annotations.size() == 2);
    CHECK(e.annotations.at("vnd.docker.reference.type") == "attestation-manifest");
    CHECK(e.annotations.at("vnd.docker.reference.digest") == platform_manifest().digest.str());
    CHECK(made.manifest.descriptor.digest == digest::of(made.manifest.bytes));
}

}  // namespace

TEST_CASE("oci-artifact=true: an artifact with the empty config and the platform manifest as subject", "[attest]")
{
    auto statements = two_statements();
    auto made = build_attestation_manifest(statements, platform_manifest(), {oci_manifest, oci_config, true});
    auto m = boost::json::parse(made.manifest.bytes).as_object();
    CHECK(m.at("schemaVersion") == 2);
    CHECK(m.at("mediaType") == oci_manifest);
    CHECK(m.at("artifactType") == "application/vnd.docker.attestation.manifest.v1+json");
    const auto& config = m.at("config").as_object();
    CHECK(config.at("mediaType") == "application/vnd.oci.empty.v1+json");
    CHECK(config.at("digest") == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    CHECK(config.at("size") == 2);
    CHECK(config.at("data") == "e30=");
    const auto& subject = m.at("subject").as_object();
    CHECK(subject.size() == 3);  // no platform, no annotations
    CHECK(subject.at("mediaType") == oci_manifest);
    CHECK(subject.at("digest").as_string() == platform_manifest().digest.str());
    CHECK(subject.at("size") == 1234);
    check_layers_and_entry(made, m, statements);

    REQUIRE(made.blobs.size() == 3);
    CHECK(made.blobs[0].bytes == "{}");
    CHECK(made.blobs[1].bytes == statements[0].bytes);
    CHECK(made.blobs[2].bytes == statements[1].bytes);
}

TEST_CASE("oci-artifact=false: image-shaped with an unknown/unknown config, no subject", "[attest]")
{
    auto statements = two_statements();
    auto made = build_attestation_manifest(statements, platform_manifest(), {oci_manifest, oci_config, false});
    auto m = boost::json::parse(made.manifest.bytes).as_object();
    CHECK_FALSE(m.contains("artifactType"));
    CHECK_FALSE(m.contains("subject"));
    const auto& config_desc = m.at("config").as_object();
    CHECK(config_desc.at("mediaType") == oci_config);
    CHECK_FALSE(config_desc.contains("data"));
    check_layers_and_entry(made, m, statements);

    REQUIRE(made.blobs.size() == 3);
    CHECK(config_desc.at("digest").as_string() == made.blobs[0].descriptor.digest.str());
    auto config = boost::json::parse(made.blobs[0].bytes).as_object();
    CHECK(config.at("architecture") == "unknown");
    CHECK(config.at("os") == "unknown");
    CHECK(config.at("config").as_object().empty());
    CHECK(config.at("rootfs").at("type") == "layers");
    const auto& diff_ids = config.at("rootfs").at("diff_ids").as_array();
    REQUIRE(diff_ids.size() == 2);
    CHECK(diff_ids[0].as_string() == statements[0].descriptor.digest.str());
    CHECK(diff_ids[1].as_string() == statements[1].descriptor.digest.str());
}
