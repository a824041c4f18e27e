#include "xdg_directory.hpp"

#include <cstdlib>

namespace lading {

std::optional<std::filesystem::path> lading_xdg_directory(const char* variable, const std::filesystem::path& fallback)
{
    if (const char* x = std::getenv(variable); x && *x) return std::filesystem::path(x) / "lading";
    if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / fallback / "lading";
    return std::nullopt;
}

std::optional<std::filesystem::path> lading_cache_directory()
{
    if (const char* d = std::getenv("LADING_CACHE_DIR"); d && *d) return std::filesystem::path(d);
    return lading_xdg_directory("XDG_CACHE_HOME", ".cache");
}

}  // namespace lading
