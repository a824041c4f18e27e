// Image references (name=, --from, login hosts) and platform strings.
#include "fuzz_input.hpp"

#include <lading/oci/digest.hpp>
#include <lading/oci/platform.hpp>
#include <lading/oci/reference.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = lading::fuzz::as_text(data, size);
    lading::fuzz::expect_clean_rejection([&] {
        auto ref = lading::parse_reference(text);
        ref.normalized();
        ref.name();
    });
    lading::fuzz::expect_clean_rejection([&] { lading::platform::parse(text).str(); });
    lading::digest::parse(text);
    return 0;
}
