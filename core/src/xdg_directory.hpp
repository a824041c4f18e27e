// lading's directory under an XDG base directory: $<variable>/lading, else
// $HOME/<fallback>/lading (e.g. XDG_CACHE_HOME and ".cache"); nothing when neither is set.
#pragma once

#include <filesystem>
#include <optional>

namespace lading {

std::optional<std::filesystem::path> lading_xdg_directory(const char* variable, const std::filesystem::path& fallback);

}  // namespace lading
