#include "posix/owner_lock.hpp"
#include "posix/tree_removal.hpp"
#include <lading/error.hpp>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lading {

namespace {
bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

bool still_named(int fd, int dir, const std::string& name)
{
    struct stat held {}, named {};
    return ::fstat(fd, &held) == 0 && ::fstatat(dir, name.c_str(), &named, AT_SYMLINK_NOFOLLOW) == 0 &&
           same_file(held, named);
}
}  // namespace

bool take_owner_lock(int fd, int dir, const std::string& name)
{
    while (::flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) return false;
    return still_named(fd, dir, name);
}

unpack::unique_fd claim_abandoned(int dir, const std::string& name)
{
    unpack::unique_fd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return {};
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 || !still_named(fd.get(), dir, name)) return {};
    return fd;
}

void remove_abandoned(int dir, const std::function<bool(std::string_view name)>& ours,
                      const std::function<bool(const struct stat&)>& removable)
{
    std::vector<std::string> names;
    try {
        names = unpack::list_directory(dir);
    } catch (const error&) {
        return;
    }
    for (const auto& name : names) {
        if (!ours(name)) continue;  // nothing else is even opened
        auto claimed = claim_abandoned(dir, name);
        struct stat st {};
        if (!claimed || ::fstat(claimed.get(), &st) != 0 || !removable(st)) continue;
        try {
            unpack::remove_tree_at(dir, name);
        } catch (const error&) {
            // Left for the next cleaner.
        }
    }
}

void remove_abandoned_directories(int dir, const std::function<bool(std::string_view name)>& ours)
{
    remove_abandoned(dir, ours, [](const struct stat& st) { return S_ISDIR(st.st_mode) && st.st_uid == ::geteuid(); });
}

}  // namespace lading
