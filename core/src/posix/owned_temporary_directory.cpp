#include "posix/owned_temporary_directory.hpp"

#include "posix/owner_lock.hpp"
#include "posix/tree_removal.hpp"
#include <lading/error.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace lading {

namespace {

constexpr std::size_t random_part = 6;  // mkdtemp's XXXXXX

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool all_of(std::string_view s, bool (*is)(char))
{
    for (char c : s)
        if (!is(c)) return false;
    return true;
}

}  // namespace

bool is_owned_temporary_name(std::string_view name, std::string_view prefix)
{
    if (!name.starts_with(prefix)) return false;
    name.remove_prefix(prefix.size());
    const auto dash = name.find('-');
    return dash != std::string_view::npos && dash > 0 && all_of(name.substr(0, dash), is_digit) &&
           name.size() - dash - 1 == random_part && all_of(name.substr(dash + 1), is_alnum);
}

owned_temporary_directory::owned_temporary_directory(const std::filesystem::path& parent, std::string_view prefix,
                                                     const std::string& purpose)
{
    const std::string failure = "cannot create a temporary directory " + purpose + " in " + parent.string();
    unpack::unique_fd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent_fd) throw error(failure + ": " + std::strerror(errno));
    const std::string pattern = std::string(prefix) + std::to_string(::getpid()) + "-XXXXXX";
    // A cleaner may take the directory for abandoned in the instant before it is locked:
    // then it is gone, and another is made.
    for (int attempt = 0; !lock_; ++attempt) {
        if (attempt == 4) throw error(failure + ": other processes removed it each time");
        std::string made = (parent / pattern).string();
        if (!::mkdtemp(made.data())) throw error(failure + ": " + std::strerror(errno));
        path_ = made;
        const auto name = path_.filename().string();
        unpack::unique_fd fd(::openat(parent_fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (fd && take_owner_lock(fd.get(), parent_fd.get(), name)) lock_ = std::move(fd);
    }
    remove_abandoned_directories(parent_fd.get(), [&](std::string_view name) {
        return name != path_.filename().string() && is_owned_temporary_name(name, prefix);
    });
}

owned_temporary_directory::~owned_temporary_directory()
{
    unpack::unique_fd parent(::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    try {
        if (parent) unpack::remove_tree_at(parent.get(), path_.filename().string());
    } catch (const error&) {
        // Unlocked below: the next directory of this kind made here removes it.
    }
}

}  // namespace lading
