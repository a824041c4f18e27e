// One --attest value in buildx's CSV syntax: which attestation, and where its statement is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lading::attestation {

enum class attestation_kind { sbom, provenance };

std::string_view kind_name(attestation_kind kind);

struct attest_option {
    attestation_kind kind = attestation_kind::provenance;
    // An in-toto statement file; none: lading writes the statement (provenance only).
    std::optional<std::filesystem::path> path;
    // builder.id of the provenance lading writes; empty: lading and its version.
    std::string builder_id;
};

// Parses "type=sbom,path=FILE" or "type=provenance[,path=FILE][,mode=min][,builder-id=URI]".
// Throws usage_error ("invalid --attest ...") for an unknown type or key, naming what is valid.
attest_option parse_attest_option(std::string_view text);

}  // namespace lading::attestation
