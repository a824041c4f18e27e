#include <lading/error.hpp>
#include "tar/walked_file_opener.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace lading::tar {

namespace {

using unpack::unique_fd;

[[noreturn]] void fail(const std::filesystem::path& p, const char* what)
{
    throw error(std::string("cannot ") + what + " " + p.string() + ": " + std::strerror(errno));
}

std::string type_name(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symlink";
    case S_IFIFO: return "a fifo";
    case S_IFSOCK: return "a socket";
    default: return "a device node";
    }
}

}  // namespace

void throw_changed(const tree_entry& e, const std::string& how)
{
    throw error(e.source.string() + " changed while the layer was being written (" + how + "); nothing was stored");
}

walked_file_opener::walked_file_opener(const std::filesystem::path& root, const file_identity& root_identity)
    : root_fd_(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC))
{
    if (!root_fd_) fail(root, "open directory");
    struct stat st {};
    if (::fstat(root_fd_.get(), &st) != 0) fail(root, "stat");
    if (file_identity{st.st_dev, st.st_ino} != root_identity)
        throw error(root.string() + " was replaced while the layer was being written; nothing was stored");
}

int walked_file_opener::directory(const std::string& relative, const tree_entry& e)
{
    if (relative.empty()) return root_fd_.get();
    if (dir_fd_ && relative == dir_path_) return dir_fd_.get();
    dir_fd_.reset();
    unique_fd current;
    int at = root_fd_.get();
    for (std::size_t pos = 0; pos < relative.size();) {
        auto slash = relative.find('/', pos);
        if (slash == std::string::npos) slash = relative.size();
        const auto component = relative.substr(pos, slash - pos);
        current = unique_fd(::openat(at, component.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!current) {
            if (errno == ELOOP || errno == ENOTDIR)
                throw_changed(e, "a directory on its path is not a directory any more");
            fail(e.source, "open");
        }
        at = current.get();
        pos = slash + 1;
    }
    dir_path_ = relative;
    dir_fd_ = std::move(current);
    return dir_fd_.get();
}

unique_fd walked_file_opener::open(const tree_entry& e)
{
    const auto& name = e.header.name;
    const auto slash = name.rfind('/');
    const std::string parent = slash == std::string::npos ? std::string() : name.substr(0, slash);
    const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);

    // O_NONBLOCK: a fifo put in the file's place must not hang the export.
    unique_fd fd(::openat(directory(parent, e), base.c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd) {
        if (errno == ELOOP) throw_changed(e, "it is now a symlink");
        fail(e.source, "open");
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(e.source, "stat");
    if (!S_ISREG(st.st_mode)) throw_changed(e, "it is now " + type_name(st.st_mode));
    if (file_identity{st.st_dev, st.st_ino} != e.identity) throw_changed(e, "it is now another file");
    if (static_cast<std::uint64_t>(st.st_size) != e.header.size)
        throw_changed(e, "its size went from " + std::to_string(e.header.size) + " to " + std::to_string(st.st_size) +
                             " bytes");
    if (change_stamp_of(st) != e.changed) throw_changed(e, "it was written to or its status changed");
    return fd;
}

}  // namespace lading::tar
