#include "layer/source_fingerprint.hpp"

#include "posix/directory_names.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lading::layer {

namespace {

void add_number(std::string& record, long long n)
{
    record += std::to_string(n);
    record += ' ';
}

}  // namespace

// One entry as text: the path ends at a NUL, so no name can imitate another entry's fields.
void fingerprint_builder::add(const std::string& relative, const struct stat& st, const std::string& target)
{
    added_ = true;
    std::string record = relative;
    record += '\0';
    for (long long n : {static_cast<long long>(st.st_mode), static_cast<long long>(st.st_uid),
                        static_cast<long long>(st.st_gid), static_cast<long long>(st.st_size),
                        static_cast<long long>(st.st_mtim.tv_sec), static_cast<long long>(st.st_mtim.tv_nsec),
                        static_cast<long long>(st.st_ctim.tv_sec), static_cast<long long>(st.st_ctim.tv_nsec),
                        static_cast<long long>(st.st_ino), static_cast<long long>(st.st_dev)})
        add_number(record, n);
    record += target;
    record += '\0';
    hash_.update(record);
}

tar::entry_observer fingerprint_builder::observer()
{
    return [this](const std::string& relative, const struct stat& st, const std::string& target) {
        add(relative, st, target);
    };
}

std::optional<digest> fingerprint_builder::finish()
{
    if (!added_) return std::nullopt;
    return hash_.finish();
}

namespace {

std::optional<std::string> link_target(int dir_fd, const char* name, const struct stat& st)
{
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    auto n = ::readlinkat(dir_fd, name, target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    return target;
}

// Past the depth the tree walk accepts there is no layer to remember a fingerprint for.
constexpr int deepest_fingerprinted = 1024;

// Adds every entry of the open directory `dir_fd` (closed here), depth first in name order.
bool add_directory(fingerprint_builder& hash, int dir_fd, const std::string& prefix, int depth = 0)
{
    if (depth > deepest_fingerprinted) {
        ::close(dir_fd);
        return false;
    }
    DIR* dir = ::fdopendir(dir_fd);
    if (!dir) {
        ::close(dir_fd);
        return false;
    }
    // read_names_and_close closes the DIR (and dir_fd with it): entries are opened from a dup.
    const int walk_fd = ::dup(dir_fd);
    auto names = read_names_and_close(dir);
    if (walk_fd < 0 || !names) {
        if (walk_fd >= 0) ::close(walk_fd);
        return false;
    }
    std::sort(names->begin(), names->end());
    bool ok = true;
    for (const auto& name : *names) {
        struct stat st {};
        if (::fstatat(walk_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            ok = false;
            break;
        }
        const auto relative = prefix + name;
        std::string target;
        if (S_ISLNK(st.st_mode)) {
            auto t = link_target(walk_fd, name.c_str(), st);
            if (!t) {
                ok = false;
                break;
            }
            target = std::move(*t);
        }
        hash.add(relative, st, target);
        if (S_ISDIR(st.st_mode)) {
            const int child = ::openat(walk_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0 || !add_directory(hash, child, relative + "/", depth + 1)) {
                ok = false;
                break;
            }
        }
    }
    ::close(walk_fd);
    return ok;
}

}  // namespace

std::optional<digest> source_fingerprint(const std::filesystem::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    fingerprint_builder hash;
    hash.add(".", st, {});
    if (S_ISDIR(st.st_mode)) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !add_directory(hash, fd, "")) return std::nullopt;
    }
    return hash.finish();
}

}  // namespace lading::layer
