// Statement files for --attest, and a field-by-field check of the attestation manifests
// lading writes, reading blobs through a callback (the store or a registry). Written from the
// attestation-storage layout, independently of lading's code.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lading::test {

inline constexpr const char* spdx_predicate_type = "https://spdx.dev/Document";
inline constexpr const char* slsa_v02_predicate_type = "https://slsa.dev/provenance/v0.2";
inline constexpr const char* oci_index_media_type = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* oci_manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* oci_config_media_type = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* in_toto_media_type = "application/vnd.in-toto+json";

// An in-toto v1 statement with an SPDX 2.3 predicate (one package named `package_name`) and a
// stale subject that lading must replace.
std::filesystem::path write_spdx_statement(const std::filesystem::path& file,
                                           const std::string& package_name = "zlib");

using blob_reader = std::function<std::string(const std::string& digest)>;

struct expected_attestation {
    boost::json::object platform_entry;        // the index entry of the attested platform manifest
    bool oci_artifact = false;
    std::vector<std::string> predicate_types;  // in layer order
    std::vector<std::string> subject_names;    // purls (or "_"), any order
};

// Checks the index entry and the manifest of one attestation manifest, every layer and its
// statement; returns the statements, parsed, in layer order.
std::vector<boost::json::object> check_attestation_manifest(const boost::json::object& entry,
                                                            const blob_reader& read_blob,
                                                            const expected_attestation& expected);

// The index entries that are attestation manifests / platform manifests, in index order.
std::vector<boost::json::object> attestation_entries(const boost::json::value& index);
std::vector<boost::json::object> platform_entries(const boost::json::value& index);

// The provenance materials as uri -> sha256 hex.
std::map<std::string, std::string> provenance_materials(const boost::json::object& statement);

}  // namespace lading::test
