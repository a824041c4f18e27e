// SHA-256 of a byte string or a file's content, as 64 lowercase hex digits (lading::formats).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lading::test {

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws std::runtime_error when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file);

}  // namespace lading::test
