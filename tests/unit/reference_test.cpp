#include <lading/error.hpp>
#include <lading/oci/reference.hpp>

#include <catch2/catch.hpp>

using lading::parse_reference;

TEST_CASE("short names normalise to docker.io/library", "[reference]")
{
    CHECK(parse_reference("app").normalized() == "docker.io/library/app:latest");
    CHECK(parse_reference("app:1").normalized() == "docker.io/library/app:1");
    CHECK(parse_reference("team/app:1").normalized() == "docker.io/team/app:1");
    CHECK(parse_reference("index.docker.io/team/app").normalized() == "docker.io/team/app:latest");
}

TEST_CASE("registry hosts with ports, localhost and digests", "[reference]")
{
    auto r = parse_reference("127.0.0.1:5000/a/b:v1.2");
    CHECK(r.domain == "127.0.0.1:5000");
    CHECK(r.repository == "a/b");
    CHECK(r.tag == "v1.2");
    CHECK(parse_reference("localhost/app").domain == "localhost");
    const std::string d = "sha256:" + std::string(64, 'a');
    auto withd = parse_reference("ghcr.io/o/app@" + d);
    CHECK(withd.digest == d);
    CHECK(withd.normalized() == "ghcr.io/o/app@" + d);
    CHECK(parse_reference("app:1@" + d).normalized() == "docker.io/library/app:1@" + d);
}

TEST_CASE("bad names say what is wrong", "[reference]")
{
    CHECK_THROWS_WITH(parse_reference("UPPER/Case:1"), Catch::Contains("lowercase"));
    CHECK_THROWS_WITH(parse_reference("a::b"), Catch::Contains("tag"));
    CHECK_THROWS_WITH(parse_reference(""), Catch::Contains("empty"));
    CHECK_THROWS_WITH(parse_reference("a@sha256:123"), Catch::Contains("digest"));
    CHECK_THROWS_WITH(parse_reference("a//b"), Catch::Contains("empty path component"));
    CHECK_THROWS_WITH(parse_reference("a_-b"), Catch::Contains("path component"));
    CHECK_THROWS(parse_reference("app:-bad"));
    CHECK_THROWS(parse_reference("host:99999999/app"));
}
