// WWW-Authenticate headers a registry (or anything answering on its port) sends back.
#include "fuzz_input.hpp"

#include "registry/challenge.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = lading::fuzz::as_text(data, size);
    lading::fuzz::expect_clean_rejection([&] {
        for (const auto& c : lading::registry::parse_challenges(text))
            if (auto scope = c.params.find("scope"); scope != c.params.end())
                lading::registry::split_scopes(scope->second);
    });
    lading::fuzz::expect_clean_rejection([&] { lading::registry::split_scopes(text); });
    return 0;
}
