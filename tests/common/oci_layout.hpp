// An independent reader of an OCI image layout directory (the lading store): index.json
// entries by name, blobs verified against their digest, manifests and configs as JSON.
// It shares no code with lading.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lading::test {

inline constexpr const char* ref_name_annotation = "org.opencontainers.image.ref.name";
inline constexpr const char* containerd_name_annotation = "io.containerd.image.name";

class oci_layout {
public:
    explicit oci_layout(std::filesystem::path dir);

    const std::filesystem::path& dir() const { return dir_; }
    boost::json::value index() const;  // index.json, parsed (throws if invalid)
    std::vector<boost::json::object> entries() const;  // index.json manifests[]
    // The index.json descriptor whose ref.name annotation is `name`.
    std::optional<boost::json::object> find_entry(const std::string& name) const;
    // Every ref.name annotation in index.json.
    std::vector<std::string> names() const;

    std::filesystem::path blob_path(const std::string& digest) const;
    // Reads a blob; throws when it is missing or its sha256 differs from the digest.
    std::string read_blob(const std::string& digest) const;
    boost::json::value read_json_blob(const std::string& digest) const;

private:
    std::filesystem::path dir_;
};

// The ChainID of a list of diffIDs ("sha256:..."), as containerd names unpacked snapshots.
std::string chain_id(const std::vector<std::string>& diff_ids);

}  // namespace lading::test
