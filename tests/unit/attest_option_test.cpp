#include <lading/attestation/attest_option.hpp>
#include <lading/error.hpp>
#include <lading/export/output_spec.hpp>

#include <catch2/catch.hpp>

using namespace lading::attestation;

TEST_CASE("--attest takes an sbom file and a provenance file or none", "[attest]")
{
    auto sbom = parse_attest_option("type=sbom,path=sbom.spdx.json");
    CHECK(sbom.kind == attestation_kind::sbom);
    REQUIRE(sbom.path);
    CHECK(sbom.path->string() == "sbom.spdx.json");

    auto generated = parse_attest_option("type=provenance");
    CHECK(generated.kind == attestation_kind::provenance);
    CHECK_FALSE(generated.path);
    CHECK(generated.builder_id.empty());

    auto with_options = parse_attest_option("TYPE=provenance, Mode=min,builder-id=https://ci.example/run/7");
    CHECK(with_options.builder_id == "https://ci.example/run/7");

    auto from_file = parse_attest_option("type=provenance,path=prov.json");
    REQUIRE(from_file.path);
    CHECK(from_file.path->string() == "prov.json");
}

TEST_CASE("--attest follows buildx's CSV quoting", "[attest]")
{
    auto o = parse_attest_option(R"(type=sbom,"path=dir,with,commas/sbom.json")");
    REQUIRE(o.path);
    CHECK(o.path->string() == "dir,with,commas/sbom.json");
    CHECK_THROWS_AS(parse_attest_option(R"(type=sbom,path=a"b)"), lading::usage_error);
}

TEST_CASE("--attest refuses what it cannot do with a hint", "[attest]")
{
    using Catch::Contains;
    CHECK_THROWS_WITH(parse_attest_option("type=sbon,path=x"), Contains("unknown type \"sbon\"") && Contains("type=sbom or type=provenance"));
    CHECK_THROWS_WITH(parse_attest_option("type=sbom,paht=x"), Contains("unknown key \"paht\"") && Contains("type, path"));
    CHECK_THROWS_WITH(parse_attest_option("path=x"), Contains("type is required"));
    CHECK_THROWS_WITH(parse_attest_option("type=sbom"), Contains("type=sbom needs path=FILE"));
    CHECK_THROWS_WITH(parse_attest_option("type=sbom,path="), Contains("path is empty"));
    CHECK_THROWS_WITH(parse_attest_option("type=sbom,path=x,mode=min"), Contains("type=provenance only"));
    CHECK_THROWS_WITH(parse_attest_option("type=provenance,mode=max"), Contains("mode=max is not available"));
    CHECK_THROWS_WITH(parse_attest_option("type=provenance,path=p.json,builder-id=x"), Contains("not to path=FILE"));
    CHECK_THROWS_WITH(parse_attest_option("type=provenance,builder-id="), Contains("builder-id is empty"));
    CHECK_THROWS_WITH(parse_attest_option("type=provenance,novalue"), Contains("\"novalue\" is not key=value"));
    // Every refusal is a usage error (exit status 2) that quotes the flag.
    CHECK_THROWS_AS(parse_attest_option("type=x"), lading::usage_error);
    CHECK_THROWS_WITH(parse_attest_option("type=x"), Catch::StartsWith("invalid --attest \"type=x\""));
}

TEST_CASE("an output remembers whether oci-mediatypes was given; OCI is the default", "[attest]")
{
    auto unset = lading::parse_output_spec("type=image,name=a:1");
    CHECK_FALSE(unset.oci_mediatypes_explicit);
    CHECK(unset.oci_mediatypes);
    auto given_false = lading::parse_output_spec("type=image,name=a:1,oci-mediatypes=false");
    CHECK(given_false.oci_mediatypes_explicit);
    CHECK_FALSE(given_false.oci_mediatypes);
    auto given_true = lading::parse_output_spec("type=image,name=a:1,oci-mediatypes=1");
    CHECK(given_true.oci_mediatypes_explicit);
    CHECK(given_true.oci_mediatypes);
}
