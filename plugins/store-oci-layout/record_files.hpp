// The host's small named records (metadata_get/put), kept as files of the layout: the record
// under "conversions/sha256/<hex>/zstd" is <root>/conversions/sha256/<hex>/zstd.json, where
// lading kept its conversion records before they went through the store plugin.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace oci_layout {

// nullopt when there is no record under key. Throws on a key the ABI does not allow, or
// one that would reach the layout's own files (a single component, blobs/..., unpacked/...).
std::optional<std::string> read_record(const std::filesystem::path& root, std::string_view key);

// Replaces the record atomically and durably, creating the directories above it.
void write_record(const std::filesystem::path& root, std::string_view key, std::string_view value);

// Removes the record; false when there was none. Throws on a key the ABI does not allow.
bool remove_record(const std::filesystem::path& root, std::string_view key);

// Every record whose key starts with `prefix` (components ending in '/'): its key and value,
// or no value when its file cannot be read as a record (a link, say). Names starting with
// '.' are not records. Throws on a prefix the ABI does not allow.
void list_records(const std::filesystem::path& root, std::string_view prefix,
                  const std::function<void(const std::string&, const std::optional<std::string>&)>& visit);

}  // namespace oci_layout
