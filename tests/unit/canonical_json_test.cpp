#include <lading/oci/canonical_json.hpp>
#include <lading/oci/digest.hpp>

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

TEST_CASE("keys are sorted at every depth and white space dropped", "[json]")
{
    auto v = boost::json::parse(R"({ "b": 1, "a": {"z": [3, {"y": true, "x": null}], "c": "s\"q"} })");
    CHECK(lading::canonical_json(v) == R"({"a":{"c":"s\"q","z":[3,{"x":null,"y":true}]},"b":1})");
}

TEST_CASE("sha256 of known inputs", "[digest]")
{
    // Published SHA-256 test vectors (FIPS 180-2).
    CHECK(lading::digest::of("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(lading::digest::of("abc").str() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_FALSE(lading::digest::parse("sha256:ABC"));
    CHECK_FALSE(lading::digest::parse("sha256:../../etc/passwd"));
}
