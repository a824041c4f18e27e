// The config of an image without a base: its default PATH follows the image's OS, as
// BuildKit's does, and --env entries replace it or follow it.
#include <lading/oci/image_config.hpp>

#include <catch2/catch.hpp>

using namespace lading;

namespace {

std::vector<std::string> env_of(const image_settings& settings)
{
    auto config = build_image_config(settings, {}, {}, 0);
    std::vector<std::string> env;
    for (const auto& v : config.at("config").at("Env").as_array()) env.emplace_back(v.as_string());
    return env;
}

image_settings for_os(const std::string& os, std::vector<std::string> env = {})
{
    image_settings s;
    s.platform = platform{os, "amd64", ""};
    s.env = std::move(env);
    return s;
}

}  // namespace

TEST_CASE("a Linux image starts with the Unix PATH", "[image_config]")
{
    CHECK(env_of(for_os("linux")) ==
          std::vector<std::string>{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
}

TEST_CASE("a Windows image starts with a Windows PATH, not the Unix one", "[image_config]")
{
    CHECK(env_of(for_os("windows")) ==
          std::vector<std::string>{R"(PATH=c:\Windows\System32;c:\Windows;C:\Windows\System32\WindowsPowerShell\v1.0)"});
}

TEST_CASE("--env replaces the default PATH in its place and adds the rest after it", "[image_config]")
{
    CHECK(env_of(for_os("windows", {"A=1", R"(PATH=C:\tools)"})) ==
          std::vector<std::string>{R"(PATH=C:\tools)", "A=1"});
}
