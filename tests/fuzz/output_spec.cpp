// --output values: the CSV record splitter, the key=value reader, and the --attest option.
#include "fuzz_input.hpp"

#include <lading/attestation/attest_option.hpp>
#include "export/csv_record.hpp"
#include <lading/export/output_spec.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = lading::fuzz::as_text(data, size);
    lading::fuzz::expect_clean_rejection([&] { lading::parse_csv_record(text); });
    lading::fuzz::expect_clean_rejection([&] { lading::parse_output_spec(text); });
    lading::fuzz::expect_clean_rejection([&] { lading::attestation::parse_attest_option(text); });
    lading::closest_output_key(text.substr(0, 64));
    return 0;
}
