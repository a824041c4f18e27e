#include "attestation/subject.hpp"
#include <lading/error.hpp>

#include <catch2/catch.hpp>

using namespace lading::attestation;
using lading::platform;

TEST_CASE("image names become docker package URLs with the platform", "[attest]")
{
    const auto amd64 = platform::parse("linux/amd64");
    const std::string q = "?platform=linux%2Famd64";
    const std::string d = "sha256:" + std::string(64, 'a');
    CHECK(image_purl("app:1", amd64) == "pkg:docker/app@1" + q);
    CHECK(image_purl("alpine", amd64) == "pkg:docker/alpine@latest" + q);
    CHECK(image_purl("docker.io/library/alpine:3.18", amd64) == "pkg:docker/alpine@3.18" + q);
    CHECK(image_purl("index.docker.io/library/alpine:3.18", amd64) == "pkg:docker/alpine@3.18" + q);
    CHECK(image_purl("user/test:v2", amd64) == "pkg:docker/user/test@v2" + q);
    CHECK(image_purl("docker.io/library/sub/app:1", amd64) == "pkg:docker/library/sub/app@1" + q);
    CHECK(image_purl("ghcr.io/foo/bar:v2", amd64) == "pkg:docker/ghcr.io/foo/bar@v2" + q);
    CHECK(image_purl("127.0.0.1:5000/team/app:1", amd64) == "pkg:docker/127.0.0.1:5000/team/app@1" + q);
    CHECK(image_purl("busybox@" + d, amd64) == "pkg:docker/busybox?digest=" + d + "&platform=linux%2Famd64");
    CHECK(image_purl("alpine:latest@" + d, amd64) == "pkg:docker/alpine@latest?digest=" + d + "&platform=linux%2Famd64");
    CHECK(image_purl("app:1", platform::parse("linux/arm/v7")) == "pkg:docker/app@1?platform=linux%2Farm%2Fv7");
    CHECK_THROWS_AS(image_purl("Bad/Name:1", amd64), lading::error);
}

TEST_CASE("subjects: one per distinct name, all with the manifest digest", "[attest]")
{
    const auto arm64 = platform::parse("linux/arm64");
    const auto manifest = lading::digest::of("the arm64 manifest");
    auto subjects = image_subjects({"app:1", "docker.io/library/app:1", "reg.example/app:2"}, arm64, manifest);
    REQUIRE(subjects.size() == 2);
    CHECK(subjects[0].name == "pkg:docker/app@1?platform=linux%2Farm64");
    CHECK(subjects[1].name == "pkg:docker/reg.example/app@2?platform=linux%2Farm64");
    CHECK(subjects[0].digest == manifest);
    CHECK(subjects[1].digest == manifest);

    auto unnamed = image_subjects({}, arm64, manifest);
    REQUIRE(unnamed.size() == 1);
    CHECK(unnamed[0].name == "_");
    CHECK(unnamed[0].digest == manifest);
}
