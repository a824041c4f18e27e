// An OCI image layout directory: its fixed files and durable, atomic file replacement.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace oci_layout {

namespace fs = std::filesystem;

// Creates the layout (oci-layout, index.json, blobs/sha256) when missing, checks it when
// present, and removes temporary files left by writers that no longer run.
void prepare_layout(const fs::path& root);

// Writes `bytes` to a temporary beside `target`, fsyncs, renames over target, fsyncs the dir.
void replace_file_atomically(const fs::path& target, std::string_view bytes);

void fsync_directory(const fs::path& dir);

fs::path temp_dir(const fs::path& root);
fs::path blob_path(const fs::path& root, std::string_view digest);

[[noreturn]] void throw_errno(const std::string& what);

}  // namespace oci_layout
