// Attestations pushed to a real registry (Debian's docker-registry 2.8): the index, the
// platform manifest, the attestation manifest with its empty config, subject and statements
// all arrive; skopeo reads the attestation manifest back by digest and containerd still pulls
// the image for its platform.
#include <catch2/catch.hpp>

#include "attestation_support.hpp"
#include "common/containerd_fixture.hpp"
#include "common/json_file.hpp"
#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

using namespace lading::test;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

// Reads a blob, or a manifest (the registry serves those under /manifests/ only), by digest.
blob_reader from_registry(const registry_server& registry, const std::string& repository)
{
    return [&registry, repository](const std::string& digest) {
        auto blob = http_fetch(http::verb::get, registry.base_url() + "/v2/" + repository + "/blobs/" + digest);
        if (blob.result_int() == 200) return blob.body();
        auto manifest = http_fetch(http::verb::get, registry.base_url() + "/v2/" + repository + "/manifests/" + digest, {},
                                   {{"Accept", std::string(oci_manifest_media_type) + ", " + oci_index_media_type}});
        INFO("GET " << digest << ": blob " << blob.result_int() << ", manifest " << manifest.result_int());
        REQUIRE(manifest.result_int() == 200);
        REQUIRE("sha256:" + sha256_hex(manifest.body()) == digest);
        return manifest.body();
    };
}

}  // namespace

TEST_CASE("attestations are pushed to a registry and read back", "[registry][attest]")
{
    temp_dir work;
    registry_server registry;
    containerd_fixture containerd;
    const auto sbom = write_spdx_statement(work / "sbom.json");
    const auto ref = registry.address() + "/team/attested:1";

    auto req = small_tree_export(work.path(), "type=registry,name=" + ref + ",oci-artifact=true");
    req.extra_args = {"--attest", "type=sbom,path=" + sbom.string(), "--attest", "type=provenance"};
    const auto meta = export_ok(req);

    // The tag names the index.
    CHECK(skopeo_raw_digest(ref, {"--tls-verify=false"}) == meta.digest);
    const auto read = from_registry(registry, "team/attested");
    const auto index = parse_json(read(meta.digest), "pushed index");
    INFO("index: " << boost::json::serialize(index));
    const auto platforms = platform_entries(index);
    const auto attestations = attestation_entries(index);
    REQUIRE(platforms.size() == 1);
    REQUIRE(attestations.size() == 1);

    // skopeo fetches the attestation manifest by its digest.
    const auto attestation_digest = json_string(attestations[0], "digest");
    auto raw = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false",
                            "docker://" + registry.address() + "/team/attested@" + attestation_digest});
    INFO(raw.describe());
    REQUIRE(raw.succeeded());
    CHECK("sha256:" + sha256_hex(raw.out) == attestation_digest);
    const auto manifest = parse_json(raw.out, "attestation manifest");
    CHECK(json_string(manifest, "artifactType") == "application/vnd.docker.attestation.manifest.v1+json");
    CHECK(json_string(manifest.at("subject"), "digest") == json_string(platforms[0], "digest"));

    // Every blob of the attestation manifest is in the registry, byte for byte.
    const auto statements = check_attestation_manifest(
        attestations[0], read,
        {platforms[0], true, {spdx_predicate_type, slsa_v02_predicate_type},
         {"pkg:docker/" + registry.address() + "/team/attested@1?platform=linux%2Famd64"}});
    REQUIRE(statements.size() == 2);
    CHECK(registry.has_blob("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
    CHECK(json_string(statements[1].at("predicate").at("invocation").at("parameters").at("output"), "push") == "true");

    // containerd pulls the image for its platform, past the attestation entry.
    CHECK(ctr_pull_digest(containerd, ref, {"--plain-http"}) == meta.digest);

    SECTION("store=false pushes two platforms' attestations from the private spool")
    {
        const auto spooled = registry.address() + "/team/spooled:1";
        auto two = req;
        two.outputs = {"type=registry,name=" + spooled + ",store=false"};
        two.store = work.path() / "untouched";
        two.platform = "linux/amd64,linux/arm64";
        const auto m = export_ok(two);
        CHECK_FALSE(fs::exists(two.store));
        CHECK(skopeo_raw_digest(spooled, {"--tls-verify=false"}) == m.digest);
        const auto pushed = parse_json(from_registry(registry, "team/spooled")(m.digest), "pushed index");
        const auto arches = platform_entries(pushed);
        const auto attested = attestation_entries(pushed);
        REQUIRE(arches.size() == 2);
        REQUIRE(attested.size() == 2);
        for (std::size_t i = 0; i < 2; ++i)
            check_attestation_manifest(attested[i], from_registry(registry, "team/spooled"),
                                       {arches[i], true, {spdx_predicate_type, slsa_v02_predicate_type},
                                        {"pkg:docker/" + registry.address() + "/team/spooled@1?platform=linux%2F" +
                                         json_string(arches[i].at("platform"), "architecture")}});
    }
}
