// ~/.docker/config.json, read through the credential lookup the registry client uses.
// Inputs naming a credential helper are skipped: the fuzzer never starts programs.
#include "fuzz_input.hpp"

#include "registry/credentials.hpp"

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::filesystem::path config_dir;

bool names_a_helper(const boost::json::value& v)
{
    auto* o = v.if_object();
    return o && (o->contains("credHelpers") || o->contains("credsStore"));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    char dir[] = "/tmp/lading-fuzz-docker-config-XXXXXX";
    if (::mkdtemp(dir) == nullptr) std::abort();
    config_dir = dir;
    ::setenv("DOCKER_CONFIG", dir, 1);
    std::atexit([] { std::filesystem::remove_all(config_dir); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = lading::fuzz::as_text(data, size);
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (!ec && names_a_helper(value)) return 0;
    std::ofstream(config_dir / "config.json", std::ios::binary | std::ios::trunc) << text;

    std::vector<std::string> hosts{"docker.io", "127.0.0.1:5000"};
    if (!ec && value.is_object())
        if (auto* auths = value.get_object().if_contains("auths"); auths && auths->is_object())
            for (const auto& kv : auths->get_object()) hosts.emplace_back(kv.key());
    for (const auto& host : hosts) lading::fuzz::expect_clean_rejection([&] { lading::registry::find_credential(host); });
    return 0;
}
