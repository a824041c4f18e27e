// index.json of a layout: the names, updated under an exclusive lock, replaced atomically.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace oci_layout {

inline constexpr const char* ref_name_annotation = "org.opencontainers.image.ref.name";
inline constexpr const char* containerd_name_annotation = "io.containerd.image.name";

struct name_binding {
    std::string name, normalized;
    boost::json::object descriptor;
};

// Reads index.json and refuses it, with a one-line error, unless it is an index with a
// "manifests" array.
void check_index(const std::filesystem::path& root);

// Replaces the entries of the given names (and adds new ones) in one atomic update. Every
// other entry, one lading cannot read included, keeps its bytes, as does the rest of the file.
void bind_names(const std::filesystem::path& root, const std::vector<name_binding>& bindings);

// Each named entry of index.json: (name, descriptor without the naming annotations).
std::vector<std::pair<std::string, boost::json::object>> read_names(const std::filesystem::path& root);

// One line for each entry of index.json that is neither a name nor a nameless descriptor:
// not an object, annotations that are not an object, a ref.name that is not a string.
std::vector<std::string> unreadable_entries(const std::filesystem::path& root);

}  // namespace oci_layout
