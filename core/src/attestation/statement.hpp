// In-toto statements: the files --attest names, checked before any work starts, and the
// blobs an attestation manifest carries once their subjects are filled in.
#pragma once

#include <lading/attestation/attest_option.hpp>
#include <lading/oci/descriptor.hpp>
#include <lading/oci/digest.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lading::attestation {

inline constexpr std::uint64_t max_statement_file_size = 40ull << 20;
inline constexpr std::string_view statement_type_v01 = "https://in-toto.io/Statement/v0.1";
inline constexpr std::string_view statement_type_v1 = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view in_toto_media_type = "application/vnd.in-toto+json";
inline constexpr std::string_view predicate_type_annotation = "in-toto.io/predicate-type";

struct statement {
    std::string type;  // _type
    std::string predicate_type;
    boost::json::object predicate;
};

// One artifact a statement is about: a name (a package URL, or "_") and its digest.
struct subject {
    std::string name;
    lading::digest digest;
};

// Checks `text` as a statement for an attestation of `kind`; `origin` names it in errors.
// Throws lading::error with one line that says what is missing or wrong.
statement parse_statement(std::string_view text, attestation_kind kind, const std::string& origin);

// Reads and checks one statement file: a regular file of at most 40 MiB. Throws lading::error
// naming the file.
statement read_statement_file(const std::filesystem::path& file, attestation_kind kind);

// The statement with `subjects` in place of any it had, as canonical JSON; the descriptor has
// the in-toto media type and the predicate-type annotation.
json_blob render_statement(const statement& s, const std::vector<subject>& subjects);

}  // namespace lading::attestation
