// lading's directory under an XDG base directory: $<variable>/lading, else
// $HOME/<fallback>/lading (e.g. XDG_CACHE_HOME and ".cache"); nothing when neither is set.
#pragma once

#include <filesystem>
#include <optional>

namespace lading {

std::optional<std::filesystem::path> lading_xdg_directory(const char* variable, const std::filesystem::path& fallback);

// $LADING_CACHE_DIR, else $XDG_CACHE_HOME/lading, else ~/.cache/lading; nullopt when none is set.
std::optional<std::filesystem::path> lading_cache_directory();

}  // namespace lading
