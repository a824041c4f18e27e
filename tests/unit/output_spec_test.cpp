#include <lading/error.hpp>
#include <lading/export/output_spec.hpp>

#include <catch2/catch.hpp>

using lading::parse_output_spec;

TEST_CASE("defaults follow the image exporter table", "[output]")
{
    auto s = parse_output_spec("type=image,name=app:1");
    CHECK(s.names == std::vector<std::string>{"app:1"});
    CHECK(s.compression == "gzip");
    CHECK_FALSE(s.push);
    CHECK(s.store);
    CHECK(s.oci_mediatypes);
    CHECK_FALSE(s.oci_artifact);
    CHECK(s.artifact());
    CHECK_FALSE(s.compression_level);
}

TEST_CASE("oci-artifact follows oci-mediatypes unless given (BuildKit 0.32)", "[output]")
{
    CHECK(parse_output_spec("type=image,oci-mediatypes=true").artifact());
    CHECK_FALSE(parse_output_spec("type=image,oci-mediatypes=false").artifact());
    CHECK_FALSE(parse_output_spec("type=image,oci-mediatypes=false").oci_mediatypes);
    CHECK_FALSE(parse_output_spec("type=image,oci-artifact=false").artifact());
    CHECK(parse_output_spec("type=image,oci-artifact=false").oci_mediatypes);
    CHECK(parse_output_spec("type=image,oci-mediatypes=false,oci-artifact=true").artifact());
}

TEST_CASE("type=registry means push", "[output]")
{
    auto s = parse_output_spec("type=registry,name=r/app:1");
    CHECK(s.push);
    CHECK_FALSE(s.unpack);
}

TEST_CASE("several names in one quoted field", "[output]")
{
    auto s = parse_output_spec(R"(type=image,"name=a:1,b:2")");
    CHECK(s.names == std::vector<std::string>{"a:1", "b:2"});
}

TEST_CASE("empty values mean true only where BuildKit says so", "[output]")
{
    CHECK(parse_output_spec("type=image,push=").push);
    CHECK(parse_output_spec("type=image,name-canonical=").name_canonical);
    CHECK(parse_output_spec("type=image,force-compression=").force_compression);
    CHECK_THROWS_WITH(parse_output_spec("type=image,oci-mediatypes="), Catch::Contains("oci-mediatypes"));
    CHECK_THROWS_WITH(parse_output_spec("type=image,rewrite-timestamp="), Catch::Contains("rewrite-timestamp"));
}

TEST_CASE("keys are case-insensitive, booleans take Go's spellings", "[output]")
{
    auto s = parse_output_spec("TYPE=image,OCI-MediaTypes=True,store=0");
    CHECK(s.oci_mediatypes);
    CHECK_FALSE(s.store);
    CHECK_THROWS_WITH(parse_output_spec("type=image,push=yes"), Catch::Contains("push=yes"));
}

TEST_CASE("unknown keys name the closest valid key", "[output]")
{
    CHECK_THROWS_WITH(parse_output_spec("type=image,nme=a:1"), Catch::Contains("\"name\""));
    CHECK_THROWS_WITH(parse_output_spec("type=image,oci-mediatype=true"), Catch::Contains("\"oci-mediatypes\""));
    CHECK_THROWS_WITH(parse_output_spec("type=image,compresion=zstd"), Catch::Contains("\"compression\""));
    CHECK_THROWS_AS(parse_output_spec("type=image,nme=a:1"), lading::usage_error);
}

TEST_CASE("type is required and must be image or registry", "[output]")
{
    CHECK_THROWS_WITH(parse_output_spec("name=a:1"), Catch::Contains("type is required"));
    CHECK_THROWS_WITH(parse_output_spec("type=imagex"), Catch::Contains("imagex"));
    CHECK_THROWS_WITH(parse_output_spec("type"), Catch::Contains("key=value"));
    // Another exporter's keys are not taken for typos of lading's.
    CHECK_THROWS_WITH(parse_output_spec("type=local,dest=out"),
                      "invalid --output: unsupported type \"local\": lading exports type=image and type=registry");
    CHECK_THROWS_WITH(parse_output_spec("dest=out.tar,type=oci"), Catch::Contains("unsupported type \"oci\""));
}

TEST_CASE("levels and epochs must be integers", "[output]")
{
    CHECK(*parse_output_spec("type=image,compression-level=9").compression_level == 9);
    CHECK_THROWS_WITH(parse_output_spec("type=image,compression-level=high"), Catch::Contains("integer"));
    CHECK(*parse_output_spec("type=image,source-date-epoch=10").source_date_epoch == 10);
    CHECK_THROWS(parse_output_spec("type=image,source-date-epoch=-1"));
    // RFC 3339 has four digits of year: the last second of 9999 is the latest epoch.
    CHECK(*parse_output_spec("type=image,source-date-epoch=253402300799").source_date_epoch == 253402300799);
    CHECK_THROWS_WITH(parse_output_spec("type=image,source-date-epoch=253402300800"),
                      Catch::Contains("from 0 to 253402300799 (the end of year 9999)"));
    CHECK_THROWS_WITH(lading::parse_source_date_epoch("99999999999999", "SOURCE_DATE_EPOCH"),
                      Catch::StartsWith("invalid SOURCE_DATE_EPOCH \"99999999999999\""));
    CHECK_THROWS_AS(lading::parse_source_date_epoch("", "SOURCE_DATE_EPOCH"), lading::usage_error);
}

TEST_CASE("annotations are kept lower-cased for later placement", "[output]")
{
    auto s = parse_output_spec("type=image,annotation.org.opencontainers.image.Title=x,annotation-index.k=v");
    CHECK(s.annotations.at("annotation.org.opencontainers.image.title") == "x");
    CHECK(s.annotations.at("annotation-index.k") == "v");
}

TEST_CASE("store takes a boolean or a backend name", "[output]")
{
    CHECK(parse_output_spec("type=image,store=true").store_backend == "oci-layout");
    auto s = parse_output_spec("type=image,store=containerd");
    CHECK(s.store);
    CHECK(s.store_backend == "containerd");
}
