#include "posix/directory_names.hpp"

#include <cerrno>
#include <string_view>

namespace lading {

std::optional<std::vector<std::string>> read_names_and_close(DIR* dir)
{
    std::vector<std::string> names;
    errno = 0;
    while (auto* e = ::readdir(dir)) {
        std::string_view n = e->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
        errno = 0;
    }
    const int read_errno = errno;
    ::closedir(dir);
    if (!read_errno) return names;
    errno = read_errno;
    return std::nullopt;
}

}  // namespace lading
