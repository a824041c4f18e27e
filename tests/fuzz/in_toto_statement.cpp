// In-toto statements given with --attest type=...,path=FILE.
#include "fuzz_input.hpp"

#include "attestation/statement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = lading::fuzz::as_text(data, size);
    for (auto kind : {lading::attestation::attestation_kind::sbom, lading::attestation::attestation_kind::provenance})
        lading::fuzz::expect_clean_rejection([&] {
            auto s = lading::attestation::parse_statement(text, kind, "statement.json");
            lading::attestation::render_statement(s, {});
        });
    return 0;
}
