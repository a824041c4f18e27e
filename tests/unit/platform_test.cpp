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

namespace {

boost::json::object windows_entry(char digest_char, const char* os_version, boost::json::array features = {})
{
    boost::json::object p{{"os", "windows"}, {"architecture", "amd64"}, {"os.version", os_version}};
    if (!features.empty()) p["os.features"] = std::move(features);
    return {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"digest", hex_digest(digest_char)},
            {"size", 1},
            {"platform", p}};
}

std::string picked(const boost::json::object& index, const char* wanted)
{
    return pick_platform(index, platform::parse(wanted), "base").digest.str();
}

}  // namespace

TEST_CASE("a platform without variant asks for the default variant, not any", "[platform][base]")
{
    // As containerd matches: linux/amd64 is amd64 v1, which an amd64/v3 image does not serve.
    for (bool v3_first : {true, false}) {
        boost::json::array entries{entry('a', "amd64", "v3"), entry('b', "amd64", "")};
        if (!v3_first) std::swap(entries[0], entries[1]);
        const boost::json::object index{{"manifests", entries}};
        CHECK(picked(index, "linux/amd64") == hex_digest('b'));
        CHECK(picked(index, "linux/amd64/v1") == hex_digest('b'));
        CHECK(picked(index, "linux/amd64/v3") == hex_digest('a'));
    }
    const boost::json::object v2_only{{"manifests", boost::json::array{entry('a', "amd64", "v2")}}};
    CHECK_THROWS_WITH(picked(v2_only, "linux/amd64"), "base has no image for linux/amd64 (it has: linux/amd64/v2)");

    CHECK(platform::parse("linux/amd64").matches(platform{"linux", "x86_64", "v1"}));
    CHECK_FALSE(platform::parse("linux/amd64").matches(platform{"linux", "amd64", "v2"}));
    CHECK_FALSE(platform::parse("linux/amd64/v2").matches(platform{"linux", "amd64", ""}));
    CHECK(platform::parse("linux/arm64").matches(platform{"linux", "arm64", "v8"}));
    CHECK_FALSE(platform::parse("linux/arm64").matches(platform{"linux", "arm64", "v9"}));
}

TEST_CASE("Windows index entries are told apart by os.version", "[platform][base]")
{
    const boost::json::object index{
        {"manifests", boost::json::array{windows_entry('a', "10.0.17763.5820"), windows_entry('b', "10.0.20348.2700")}}};
    // No version asked: the first that matches, as containerd picks.
    CHECK(picked(index, "windows/amd64") == hex_digest('a'));
    CHECK(picked(index, "windows(10.0.17763)/amd64") == hex_digest('a'));
    CHECK(picked(index, "windows(10.0.20348.1)/amd64") == hex_digest('b'));
    // Windows Server 2025 runs Windows Server 2022 images, 2019 runs only its own build.
    CHECK(picked(index, "windows(10.0.26100)/amd64") == hex_digest('b'));
    CHECK_THROWS_WITH(picked(index, "windows(10.0.19041)/amd64"),
                      "base has no image for windows(10.0.19041)/amd64 (it has: windows(10.0.17763.5820)/amd64, "
                      "windows(10.0.20348.2700)/amd64)");

    // The picked entry keeps its OS version and features.
    const auto d = pick_platform(index, platform::parse("windows/amd64"), "base");
    REQUIRE(d.platform);
    CHECK(d.platform->os_version == "10.0.17763.5820");
    CHECK(d.to_json().at("platform").at("os.version") == "10.0.17763.5820");
}

TEST_CASE("os.features: an entry needs every feature it lists asked for; the one with more wins", "[platform][base]")
{
    const boost::json::object index{{"manifests", boost::json::array{windows_entry('a', "10.0.17763.1"),
                                                                     windows_entry('b', "10.0.17763.1", {"win32k"})}}};
    // win32k is not asked for but does not keep an entry out; the entry naming more features goes first.
    CHECK(picked(index, "windows/amd64") == hex_digest('b'));

    boost::json::object linux_entry = entry('c', "amd64", "");
    linux_entry["platform"].as_object()["os.features"] = boost::json::array{"sse4"};
    const boost::json::object linux_index{{"manifests", boost::json::array{linux_entry}}};
    CHECK(picked(linux_index, "linux(+sse4)/amd64") == hex_digest('c'));
    CHECK_THROWS_WITH(picked(linux_index, "linux/amd64"),
                      "base has no image for linux/amd64 (it has: linux(+sse4)/amd64)");
}

TEST_CASE("--platform takes containerd's OS(VERSION+FEATURE...)/ARCH form", "[platform]")
{
    auto p = platform::parse("windows(10.0.17763.5820+win32k)/amd64");
    CHECK(p.os == "windows");
    CHECK(p.architecture == "amd64");
    CHECK(p.os_version == "10.0.17763.5820");
    CHECK(p.os_features == std::vector<std::string>{"win32k"});
    CHECK(p.str() == "windows/amd64");
    CHECK(p.full_str() == "windows(10.0.17763.5820+win32k)/amd64");
    CHECK(p.to_json() == boost::json::parse(
                             R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763.5820","os.features":["win32k"]})"));
    CHECK(platform::parse("windows(10.0.17763)/amd64").full_str() == "windows(10.0.17763)/amd64");
    CHECK(platform::parse("linux(+b+a+b)/arm64/v8").full_str() == "linux(+a+b)/arm64");
    CHECK(platform::parse("windows(a%2Bb)/amd64").os_version == "a+b");
    CHECK(platform::parse("windows(a%2Bb)/amd64").full_str() == "windows(a%2Bb)/amd64");

    const std::string form = "\": expected OS(VERSION[+FEATURE]...)/ARCH, e.g. windows(10.0.17763)/amd64";
    CHECK_THROWS_WITH(platform::parse("windows(10.0/amd64"), "invalid platform \"windows(10.0/amd64" + form);
    CHECK_THROWS_WITH(platform::parse("windows(1 0)/amd64"), "invalid platform \"windows(1 0)/amd64" + form);
    CHECK_THROWS_WITH(platform::parse("windows(10.0++x)/amd64"), "invalid platform \"windows(10.0++x)/amd64" + form);
    CHECK_THROWS_WITH(platform::parse("windows(%zz)/amd64"), "invalid platform \"windows(%zz)/amd64" + form);
    CHECK_THROWS_AS(platform::parse("(10.0)/amd64"), usage_error);
}

TEST_CASE("os.version and os.features are read from descriptors and configs, and refused when ill-typed",
          "[platform]")
{
    auto d = descriptor::from_json(windows_entry('a', "10.0.17763.5820", {"win32k"}));
    REQUIRE(d.platform);
    CHECK(d.platform->os_version == "10.0.17763.5820");
    CHECK(d.platform->os_features == std::vector<std::string>{"win32k"});
    CHECK(d.to_json() == boost::json::value(windows_entry('a', "10.0.17763.5820", {"win32k"})));

    auto bad = windows_entry('a', "10.0.17763.5820");
    bad["platform"].as_object()["os.features"] = "win32k";
    CHECK_THROWS_WITH(descriptor::from_json(bad), "the platform of descriptor " + hex_digest('a') +
                                                      " has an os.features that is not a list of strings");
    bad["platform"].as_object()["os.features"] = boost::json::array{};
    bad["platform"].as_object()["os.version"] = 10;
    CHECK_THROWS_WITH(descriptor::from_json(bad),
                      "the platform of descriptor " + hex_digest('a') + " has an os.version that is not a string");

    const auto config = boost::json::parse(R"({"os":"windows","architecture":"amd64","os.version":"10.0.20348.1",
                                               "os.features":["b","a","b"]})");
    auto p = platform::from_json(config.as_object(), "config");
    CHECK(p.os_features == std::vector<std::string>{"b", "a", "b"});
    CHECK(p.normalized().os_features == std::vector<std::string>{"a", "b"});
    CHECK(p.normalized().full_str() == "windows(10.0.20348.1+a+b)/amd64");
}

TEST_CASE("arm64 variants normalise as containerd's: v8.0 is the default, 9 is v9", "[platform]")
{
    CHECK(parsed("linux/arm64/v8.0") == "linux/arm64");
    CHECK(parsed("linux/arm64/9") == "linux/arm64/v9");
    CHECK(parsed("linux/arm64/v9.0") == "linux/arm64/v9");
    CHECK(parsed("linux/arm64/v8.2") == "linux/arm64/v8.2");
}

TEST_CASE("an index entry without a platform is the platform its config states, as containerd reads it",
          "[platform][base]")
{
    auto unlabelled = [](char digest_char, const char* media_type) {
        return boost::json::object{{"mediaType", media_type}, {"digest", hex_digest(digest_char)}, {"size", 1}};
    };
    const boost::json::object index{{"manifests", boost::json::array{
        unlabelled('c', "application/vnd.oci.image.index.v1+json"), entry('a', "arm64", ""),
        unlabelled('d', "application/vnd.oci.image.manifest.v1+json"),
        unlabelled('e', "application/vnd.docker.distribution.manifest.v2+json")}}};
    std::vector<std::string> read;
    auto configs = [&](const descriptor& d) {
        read.push_back(d.digest.str());
        if (d.digest.str() == hex_digest('d')) return platform{"linux", "arm", "v6"};
        return platform{"linux", "amd64", ""};
    };
    CHECK(pick_platform(index, platform::parse("linux/amd64"), "base", configs).digest.str() == hex_digest('e'));
    // Only entries that lack a platform and are image manifests are read; a nested index is passed over.
    CHECK(read == std::vector<std::string>{hex_digest('d'), hex_digest('e')});
    CHECK(pick_platform(index, platform::parse("linux/arm/v6"), "base", configs).digest.str() == hex_digest('d'));
    CHECK_THROWS_WITH(pick_platform(index, platform::parse("linux/s390x"), "base", configs),
                      "base has no image for linux/s390x (it has: linux/arm64, linux/arm/v6, linux/amd64)");
    // Without a reader (or with a config that names no platform) such entries are not candidates.
    CHECK_THROWS_WITH(pick_platform(index, platform::parse("linux/amd64"), "base"),
                      "base has no image for linux/amd64 (it has: linux/arm64)");
    CHECK_THROWS_WITH(pick_platform(index, platform::parse("linux/amd64"), "base",
                                    [](const descriptor&) { return platform{}; }),
                      "base has no image for linux/amd64 (it has: linux/arm64)");
}
