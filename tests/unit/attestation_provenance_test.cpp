#include "attestation/provenance.hpp"
#include <lading/export/output_spec.hpp>
#include <lading/version.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

using namespace lading::attestation;
using lading::digest;
using lading::platform;

namespace {

lading::export_request sample_request()
{
    lading::export_request r;
    r.from = "127.0.0.1:5000/base:1";
    r.settings.entrypoint = std::vector<std::string>{"/bin/app"};
    r.settings.env = {"LOG=info"};
    r.settings.labels = {{"org.example.team", "infra"}};
    r.source_date_epoch = 1700000000;
    r.outputs.push_back(lading::parse_output_spec(
        R"(type=registry,"name=127.0.0.1:5000/app:1,127.0.0.1:5000/app:latest",compression=zstd,oci-mediatypes=true,annotation.org.opencontainers.image.title=App)"));
    return r;
}

provenance_facts sample_facts(const lading::export_request& r)
{
    const auto amd64 = platform::parse("linux/amd64");
    provenance_facts f;
    f.parameters = export_parameters(r, r.outputs.front(), amd64);
    f.materials.push_back(base_image_material(r.from, digest::of("base manifest"), amd64));
    f.materials.push_back(layer_material("rootfs dir/one", digest::of("tar one")));
    f.started_on = f.finished_on = 1700000000;
    f.reproducible = true;
    return f;
}

}  // namespace

TEST_CASE("provenance is SLSA v0.2 with builder, parameters, materials and times", "[attest]")
{
    auto r = sample_request();
    auto s = make_provenance(sample_facts(r));
    CHECK(s.type == "https://in-toto.io/Statement/v0.1");
    CHECK(s.predicate_type == "https://slsa.dev/provenance/v0.2");
    const auto& p = s.predicate;
    INFO(boost::json::serialize(p));
    CHECK(p.at("builder").at("id").as_string() == "pkg:generic/lading@" + std::string(lading::version()));
    CHECK(p.at("buildType") == "pkg:generic/lading/export@v1");

    const auto& materials = p.at("materials").as_array();
    REQUIRE(materials.size() == 2);
    CHECK(materials[0].at("uri") == "pkg:docker/127.0.0.1:5000/base@1?platform=linux%2Famd64");
    CHECK(materials[0].at("digest").at("sha256").as_string() == digest::of("base manifest").hex());
    CHECK(materials[1].at("uri") == "file:rootfs%20dir/one");
    CHECK(materials[1].at("digest").at("sha256").as_string() == digest::of("tar one").hex());

    const auto& params = p.at("invocation").at("parameters");
    CHECK(params.at("platform") == "linux/amd64");
    CHECK(params.at("from") == "127.0.0.1:5000/base:1");
    CHECK(params.at("source-date-epoch") == "1700000000");
    CHECK(params.at("image").at("entrypoint").at(0) == "/bin/app");
    CHECK(params.at("image").at("env").at(0) == "LOG=info");
    CHECK(params.at("image").at("labels").at("org.example.team") == "infra");
    const auto& out = params.at("output");
    CHECK(out.at("name") == "127.0.0.1:5000/app:1,127.0.0.1:5000/app:latest");
    CHECK(out.at("push") == "true");
    CHECK(out.at("compression") == "zstd");
    CHECK(out.at("oci-mediatypes") == "true");
    CHECK(out.at("annotation.org.opencontainers.image.title") == "App");

    const auto& meta = p.at("metadata");
    CHECK(meta.at("buildStartedOn") == "2023-11-14T22:13:20Z");
    CHECK(meta.at("buildFinishedOn") == "2023-11-14T22:13:20Z");
    CHECK(meta.at("reproducible") == true);
    CHECK(meta.at("completeness").at("materials") == true);
}

TEST_CASE("provenance is deterministic: same facts, same bytes", "[attest]")
{
    auto r = sample_request();
    const std::vector<subject> subjects{{"pkg:docker/app@1?platform=linux%2Famd64", digest::of("m")}};
    auto first = render_statement(make_provenance(sample_facts(r)), subjects);
    auto second = render_statement(make_provenance(sample_facts(sample_request())), subjects);
    CHECK(first.bytes == second.bytes);
    CHECK(first.descriptor.digest == second.descriptor.digest);

    auto later = sample_facts(r);
    later.finished_on += 1;
    CHECK(render_statement(make_provenance(later), subjects).bytes != first.bytes);
    auto other_layer = sample_facts(r);
    other_layer.materials[1].digest = digest::of("tar two");
    CHECK(render_statement(make_provenance(other_layer), subjects).bytes != first.bytes);
}

TEST_CASE("provenance names a given builder id and oci-layout bases as given", "[attest]")
{
    auto r = sample_request();
    auto f = sample_facts(r);
    f.builder_id = "https://ci.example/runs/42";
    CHECK(make_provenance(f).predicate.at("builder").at("id") == "https://ci.example/runs/42");

    auto m = base_image_material("oci-layout:///srv/layout:base", digest::of("x"), platform::parse("linux/arm64"));
    CHECK(m.uri == "oci-layout:///srv/layout:base");
    CHECK(m.digest == digest::of("x"));
}

TEST_CASE("provenance parameters hold no credentials or host settings", "[attest]")
{
    auto r = sample_request();
    r.hosts.registries["127.0.0.1:5000"].mirrors = {lading::parse_mirror("mirror.example:5000")};
    auto text = boost::json::serialize(export_parameters(r, r.outputs.front(), platform::parse("linux/amd64")));
    CHECK(text.find("mirror.example") == std::string::npos);
    CHECK(text.find("store_location") == std::string::npos);
    CHECK(text.find("password") == std::string::npos);
}
