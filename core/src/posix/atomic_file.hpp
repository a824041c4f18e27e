// Small files that are replaced whole: written to a private temporary beside the target,
// fsynced, then renamed over it, so a reader sees the old or the new content, never a mix.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace lading {

// Creates the parent directories as needed. Throws lading::error naming the path.
void replace_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode);

}  // namespace lading
