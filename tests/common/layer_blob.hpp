// Reads a layer blob with the distribution's own tools (gzip, zstd, GNU tar), independently
// of lading: decompress it to the tar stream (whose sha256 is the DiffID) and extract it as
// root, keeping owners, modes, device nodes and xattrs.
#pragma once

#include <filesystem>
#include <string>

#include "process.hpp"

namespace lading::test {

// "gzip", "zstd" or "uncompressed", from a layer media type's suffix.
std::string compression_of_media_type(const std::string& media_type);

// The uncompressed tar stream in `out` of the result (gzip -dc / zstd -dc / cat).
process_result decompress_layer(const std::filesystem::path& blob, const std::string& compression);

// Extracts a tar stream into `dir` (created if missing) with GNU tar.
process_result extract_tar_stream(const std::string& tar_bytes, const std::filesystem::path& dir);

}  // namespace lading::test
