// Writing a file's exact bytes, for tests that place layers, blobs and documents by hand.
#pragma once

#include <filesystem>
#include <string_view>

namespace lading::test {

// Creates or truncates `file`, and its parent directories if missing; throws std::runtime_error when it cannot be written.
void write_bytes(const std::filesystem::path& file, std::string_view bytes);

}  // namespace lading::test
