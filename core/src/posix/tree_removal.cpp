#include "posix/directory_names.hpp"
#include <lading/error.hpp>
#include "tar/tar_reader.hpp"
#include "posix/tree_removal.hpp"
#include "posix/unique_fd.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace lading::unpack {

namespace {

[[noreturn]] void fail_errno(const std::string& what, const std::string& name)
{
    throw error("cannot " + what + " " + tar::printable_name(name) + ": " + std::strerror(errno));
}

unique_fd open_for_removal(int dir_fd, const std::string& name)
{
    unique_fd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno == EACCES && ::fchmodat(dir_fd, name.c_str(), 0700, 0) == 0)
        fd = unique_fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) fail_errno("open the directory", name);
    // Its entries can only be unlinked when the directory is writable and searchable.
    ::fchmod(fd.get(), 0700);
    return fd;
}

void remove_children(int dir_fd)
{
    for (const auto& child : list_directory(dir_fd)) remove_tree_at(dir_fd, child);
}

}  // namespace

std::vector<std::string> list_directory(int dir_fd)
{
    unique_fd own(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!own) fail_errno("open the directory", ".");
    DIR* d = ::fdopendir(own.get());
    if (!d) fail_errno("read the directory", ".");
    (void)own.release();
    auto names = read_names_and_close(d);
    if (!names) fail_errno("read the directory", ".");
    return *names;
}

void remove_tree_at(int dir_fd, const std::string& name)
{
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return;
        fail_errno("look up", name);
    }
    if (S_ISDIR(st.st_mode)) {
        remove_children(open_for_removal(dir_fd, name).get());
        if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) fail_errno("remove", name);
        return;
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) fail_errno("remove", name);
}

}  // namespace lading::unpack
