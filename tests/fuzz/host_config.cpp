// The host configuration file (registries, mirrors, plugin path).
#include "fuzz_input.hpp"

#include <lading/host_config.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string text(lading::fuzz::as_text(data, size));
    lading::fuzz::expect_clean_rejection([&] {
        auto config = lading::parse_host_config(text, "config.json");
        for (const auto& [host, settings] : config.registries) config.registry(host);
    });
    return 0;
}
