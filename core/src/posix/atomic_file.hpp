// Small files that are replaced whole: written to a private temporary beside the target,
// fsynced (unless the file is only a cache), then renamed over it, so a reader sees the old
// or the new content, never a mix.
// The temporary ("<name>.tmp-<pid>-<salt>-<n>") is locked by its writer (posix/owner_lock.hpp)
// until it is renamed; those a killed writer left are removed by the next replacement of the
// same file.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lading {

// kept_through_crash: the content is flushed to disk before the rename (credentials);
// cache_only: it is not (a hint that is checked before use, whose loss in a crash costs
// nothing, need not wait for the disk).
enum class replacement_durability { kept_through_crash, cache_only };

// Creates the parent directories as needed. Throws lading::error naming the path.
void replace_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode,
                             replacement_durability durability = replacement_durability::kept_through_crash);

// The content of such a file, when it can be read and is at most `limit` bytes; else nothing.
std::optional<std::string> read_small_file(const std::filesystem::path& path, std::size_t limit);

// Whether `name` is a temporary replace_file_atomically gives for a file named `target`.
bool is_replacement_temporary(std::string_view name, std::string_view target);

}  // namespace lading
