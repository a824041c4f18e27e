// Platforms as lading writes and compares them: normalised as containerd does, whether they
// come from --platform, an image config, an index entry or this machine.
#include "base/base_image.hpp"

#include <lading/error.hpp>
#include <lading/oci/platform.hpp>

#include <catch2/catch.hpp>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

using namespace lading;

namespace {

std::string parsed(const char* text) { return platform::parse(text).str(); }

std::string hex_digest(char c) { return "sha256:" + std::string(64, c); }

// An index entry for `platform` as another tool wrote it, not normalised.
boost::json::object entry(char digest_char, const char* arch, const char* variant)
{
    boost::json::object p{{"os", "linux"}, {"architecture", arch}};
    if (*variant) p["variant"] = variant;
    return {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"digest", hex_digest(digest_char)},
            {"size", 1},
            {"platform", p}};
}

}  // namespace

TEST_CASE("--platform text is normalised: architecture aliases and default variants", "[platform]")
{
    CHECK(parsed("linux/amd64") == "linux/amd64");
    CHECK(parsed("linux/x86_64") == "linux/amd64");
    CHECK(parsed("linux/x86-64") == "linux/amd64");
    CHECK(parsed("linux/amd64/v1") == "linux/amd64");
    CHECK(parsed("linux/amd64/v3") == "linux/amd64/v3");
    CHECK(parsed("linux/aarch64") == "linux/arm64");
    CHECK(parsed("linux/arm64/v8") == "linux/arm64");
    CHECK(parsed("linux/arm64/8") == "linux/arm64");
    CHECK(parsed("linux/arm64/v9") == "linux/arm64/v9");
    CHECK(parsed("linux/arm") == "linux/arm/v7");
    CHECK(parsed("linux/arm/7") == "linux/arm/v7");
    CHECK(parsed("linux/arm/6") == "linux/arm/v6");
    CHECK(parsed("linux/arm/v5") == "linux/arm/v5");
    CHECK(parsed("linux/armhf") == "linux/arm/v7");
    CHECK(parsed("linux/armel") == "linux/arm/v6");
    CHECK(parsed("linux/i386") == "linux/386");
    CHECK(parsed("linux/s390x") == "linux/s390x");
    CHECK(platform::parse("linux/arm64/v8") == platform::parse("linux/arm64"));
    CHECK(platform::parse("linux/arm").to_json() ==
          boost::json::parse(R"({"architecture":"arm","os":"linux","variant":"v7"})"));

    CHECK_THROWS_AS(platform::parse("linux"), usage_error);
    CHECK_THROWS_AS(platform::parse("linux/arm/v7/x"), usage_error);
    CHECK_THROWS_AS(platform::parse("linux//v7"), usage_error);
}

TEST_CASE("platforms read from configs, index entries and uname normalise alike", "[platform]")
{
    CHECK(platform{"linux", "arm64", "v8"}.normalized() == platform::parse("linux/arm64"));
    CHECK(platform{"linux", "arm", ""}.normalized() == platform::parse("linux/arm/v7"));
    CHECK(platform{"Linux", "AMD64", ""}.normalized() == platform::parse("linux/amd64"));
    // What uname -m says on 32-bit ARM machines.
    CHECK(platform{"linux", "armv7l", ""}.normalized().str() == "linux/arm/v7");
    CHECK(platform{"linux", "armv6l", ""}.normalized().str() == "linux/arm/v6");
    CHECK(platform{"linux", "armv5tel", ""}.normalized().str() == "linux/arm/v5");
    CHECK(platform{"linux", "i686", ""}.normalized().str() == "linux/386");
    const auto host = platform::host();
    CHECK(host == host.normalized());
    CHECK(host.os == "linux");
}

TEST_CASE("a base index entry is picked by its normalised platform", "[platform][base]")
{
    boost::json::object index{{"manifests", boost::json::array{entry('a', "arm64", "v8"), entry('b', "arm", "7")}}};
    CHECK(pick_platform(index, platform::parse("linux/arm64"), "base").digest.str() == hex_digest('a'));
    CHECK(pick_platform(index, platform{"linux", "aarch64", "v8"}, "base").digest.str() == hex_digest('a'));
    CHECK(pick_platform(index, platform::parse("linux/arm"), "base").digest.str() == hex_digest('b'));
    CHECK(pick_platform(index, platform::parse("linux/arm/v7"), "base").digest.str() == hex_digest('b'));
    CHECK_THROWS_WITH(pick_platform(index, platform::parse("linux/arm/v6"), "base"),
                      "base has no image for linux/arm/v6 (it has: linux/arm64/v8, linux/arm/7)");
}
