#include "posix/directory_names.hpp"
#include <lading/error.hpp>
#include "tar/tree_walker.hpp"
#include "posix/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace lading::tar {

namespace {

using unpack::unique_fd;

[[noreturn]] void fail(const std::filesystem::path& p, const char* what)
{
    throw error(std::string("cannot ") + what + " " + p.string() + ": " + std::strerror(errno));
}

[[noreturn]] void changed(const std::filesystem::path& p)
{
    throw error(p.string() + " changed while the directory was being read; nothing was stored");
}

file_identity identity_of(const struct stat& st) { return {st.st_dev, st.st_ino}; }

// Lists and reads extended attributes through `list` and `get`, which wrap the f*xattr or
// l*xattr calls for the entry at hand.
template <class List, class Get>
std::vector<std::pair<std::string, std::string>> read_xattrs(const std::filesystem::path& p, List list, Get get)
{
    std::vector<std::pair<std::string, std::string>> out;
    ssize_t len = list(nullptr, 0);
    if (len < 0) {
        if (errno == ENOTSUP || errno == ENODATA) return out;
        fail(p, "list extended attributes of");
    }
    if (len == 0) return out;
    std::string names(static_cast<std::size_t>(len), '\0');
    len = list(names.data(), names.size());
    if (len < 0) fail(p, "list extended attributes of");
    names.resize(static_cast<std::size_t>(len));
    for (std::size_t i = 0; i < names.size();) {
        std::string name(names.c_str() + i);
        i += name.size() + 1;
        if (name.empty()) continue;
        // A PAX record ends its key at the first '=': such a name would come back as another.
        if (name.find('=') != std::string::npos)
            throw error(p.string() + " has an extended attribute whose name holds '=' (" + name +
                        "), which a tar archive cannot carry");
        ssize_t vlen = get(name.c_str(), nullptr, 0);
        if (vlen < 0) {
            if (errno == ENODATA) continue;
            fail(p, "read extended attributes of");
        }
        std::string value(static_cast<std::size_t>(vlen), '\0');
        vlen = get(name.c_str(), value.data(), value.size());
        if (vlen < 0) fail(p, "read extended attributes of");
        value.resize(static_cast<std::size_t>(vlen));
        out.emplace_back(std::move(name), std::move(value));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::pair<std::string, std::string>> xattrs_of_fd(int fd, const std::filesystem::path& p)
{
    return read_xattrs(
        p, [&](char* list, std::size_t size) { return ::flistxattr(fd, list, size); },
        [&](const char* name, void* value, std::size_t size) { return ::fgetxattr(fd, name, value, size); });
}

// For entries that cannot be opened without side effects (symlinks, fifos, devices): the
// parent's descriptor pins where the name is looked up, and l*xattr does not follow it.
// Without /proc (a bare chroot) the whole path is used.
std::vector<std::pair<std::string, std::string>> xattrs_of_name(int dir_fd, const std::string& child,
                                                                const std::filesystem::path& p)
{
    static const bool have_proc_fd = ::access("/proc/self/fd", X_OK) == 0;
    const auto pinned = have_proc_fd ? "/proc/self/fd/" + std::to_string(dir_fd) + "/" + child : p.string();
    return read_xattrs(
        p, [&](char* list, std::size_t size) { return ::llistxattr(pinned.c_str(), list, size); },
        [&](const char* name, void* value, std::size_t size) { return ::lgetxattr(pinned.c_str(), name, value, size); });
}

std::string read_link_at(int dir_fd, const std::string& child, const std::filesystem::path& p, std::size_t size_hint)
{
    std::string target(size_hint + 1, '\0');
    for (;;) {
        ssize_t n = ::readlinkat(dir_fd, child.c_str(), target.data(), target.size());
        if (n < 0) fail(p, "read symlink");
        if (static_cast<std::size_t>(n) < target.size()) {
            target.resize(static_cast<std::size_t>(n));
            return target;
        }
        target.resize(target.size() * 2);
    }
}

// Opens `child` of `dir_fd` without following a symlink and checks that it is still the
// inode `expected` describes: the name may have been replaced since it was looked at.
unique_fd open_same(int dir_fd, const std::string& child, int flags, const struct stat& expected,
                    const std::filesystem::path& p, const char* verb)
{
    unique_fd fd(::openat(dir_fd, child.c_str(), flags | O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ELOOP || errno == ENOTDIR) changed(p);
        fail(p, verb);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(p, "stat");
    if ((st.st_mode & S_IFMT) != (expected.st_mode & S_IFMT) || identity_of(st) != identity_of(expected)) changed(p);
    return fd;
}

std::vector<std::string> sorted_children(unique_fd dir, const std::filesystem::path& p)
{
    DIR* d = ::fdopendir(dir.get());
    if (!d) fail(p, "open directory");
    dir.release();
    auto names = read_names_and_close(d);
    if (!names) fail(p, "read directory");
    std::sort(names->begin(), names->end());
    return *names;
}

// Deeper trees are refused: the walk recurses once per level, and what each level keeps
// grows with the path's length.
constexpr std::size_t max_tree_depth = 1024;

struct walker {
    struct first_link {
        std::string name;
        nlink_t links_left;  // links still to come; the entry goes when none are
    };

    std::optional<std::int64_t> clamp;
    const std::function<void(tree_entry&&)>& emit;
    std::uint64_t prefetch_per_file = 0;
    const entry_observer& observe;
    std::map<std::pair<dev_t, ino_t>, first_link> first_link_name;
    std::size_t depth = 0;

    // `dir` is the open directory that `dir_path` names and `dir_id` identifies. While a
    // subdirectory is visited only the subdirectory stays open: `dir` is then opened again
    // as its "..", and must be the same inode, so the open descriptors do not grow with depth.
    void visit_children(unique_fd& dir, const file_identity& dir_id, const std::filesystem::path& dir_path,
                        const std::string& prefix)
    {
        unique_fd listing(::openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!listing) fail(dir_path, "open directory");
        for (const auto& name : sorted_children(std::move(listing), dir_path))
            visit(dir, dir_id, dir_path, name, prefix + name);
    }

    void visit(unique_fd& dir, const file_identity& dir_id, const std::filesystem::path& dir_path,
               const std::string& child, const std::string& name)
    {
        const int dir_fd = dir.get();
        const auto p = dir_path / child;
        struct stat st {};
        if (::fstatat(dir_fd, child.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail(p, "stat");
        tree_entry te;
        te.source = p;
        te.identity = identity_of(st);
        te.changed = change_stamp_of(st);
        auto& h = te.header;
        h.name = name;
        h.mode = st.st_mode & 07777;
        h.uid = st.st_uid;
        h.gid = st.st_gid;
        h.mtime = st.st_mtim.tv_sec;
        if (clamp && h.mtime > *clamp) h.mtime = *clamp;

        unique_fd opened;  // regular files and directories: the inode stat described
        switch (st.st_mode & S_IFMT) {
        case S_IFREG: {
            opened = open_same(dir_fd, child, 0, st, p, "read");
            if (st.st_nlink > 1) {
                auto [it, inserted] = first_link_name.try_emplace({st.st_dev, st.st_ino}, first_link{name, st.st_nlink - 1});
                if (!inserted) {
                    h.type = entry_type::hardlink;
                    h.link_name = it->second.name;
                    if (--it->second.links_left == 0) first_link_name.erase(it);
                    break;
                }
            }
            h.type = entry_type::regular;
            h.size = static_cast<std::uint64_t>(st.st_size);
            if (const auto ahead = prefetched_bytes(te, prefetch_per_file))
                // Advisory: the kernel queues the reads and returns; on failure the reader reads cold.
                ::posix_fadvise(opened.get(), 0, static_cast<off_t>(ahead), POSIX_FADV_WILLNEED);
            break;
        }
        case S_IFDIR:
            opened = open_same(dir_fd, child, O_DIRECTORY, st, p, "open directory");
            h.type = entry_type::directory;
            h.name += '/';
            break;
        case S_IFLNK:
            h.type = entry_type::symlink;
            h.link_name = read_link_at(dir_fd, child, p, static_cast<std::size_t>(st.st_size));
            break;
        case S_IFCHR: h.type = entry_type::char_device; break;
        case S_IFBLK: h.type = entry_type::block_device; break;
        case S_IFIFO: h.type = entry_type::fifo; break;
        default:  // sockets cannot be carried in a layer
            if (observe) observe(name, st, {});
            return;
        }
        if (observe) observe(name, st, h.type == entry_type::symlink ? h.link_name : std::string());
        if (h.type == entry_type::char_device || h.type == entry_type::block_device) {
            h.dev_major = major(st.st_rdev);
            h.dev_minor = minor(st.st_rdev);
        }
        h.xattrs = opened ? xattrs_of_fd(opened.get(), p) : xattrs_of_name(dir_fd, child, p);
        bool is_dir = h.type == entry_type::directory;
        std::string child_prefix = h.name;
        emit(std::move(te));
        if (!is_dir) return;
        if (depth == max_tree_depth)
            throw error(p.string() + " is more than " + std::to_string(max_tree_depth) + " directories deep");
        dir.reset();
        ++depth;
        visit_children(opened, identity_of(st), p, child_prefix);
        --depth;
        dir = unique_fd(::openat(opened.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        struct stat parent {};
        if (!dir || ::fstat(dir.get(), &parent) != 0 || identity_of(parent) != dir_id) changed(dir_path);
    }
};

}  // namespace

change_stamp change_stamp_of(const struct stat& st) { return {st.st_ctim.tv_sec, st.st_ctim.tv_nsec}; }

walked_tree walk_tree(const std::filesystem::path& root, std::optional<std::int64_t> clamp_mtime)
{
    walked_tree tree;
    walk_tree(root, clamp_mtime, [&](const std::filesystem::path& r, const file_identity& id) {
        tree.root = r;
        tree.root_identity = id;
    }, [&](tree_entry&& e) { tree.entries.push_back(std::move(e)); });
    return tree;
}

std::uint64_t prefetched_bytes(const tree_entry& e, std::uint64_t prefetch_per_file)
{
    return e.header.type == entry_type::regular ? std::min(e.header.size, prefetch_per_file) : 0;
}

void walk_tree(const std::filesystem::path& root, std::optional<std::int64_t> clamp_mtime,
               const std::function<void(const std::filesystem::path&, const file_identity&)>& opened,
               const std::function<void(tree_entry&&)>& emit, std::uint64_t prefetch_per_file,
               const entry_observer& observe)
{
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0) fail(root, "find context directory");
    if (!S_ISDIR(st.st_mode)) throw error(root.string() + " is not a directory");
    unique_fd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd) fail(root, "open directory");
    if (::fstat(root_fd.get(), &st) != 0) fail(root, "stat");
    opened(root, identity_of(st));
    if (observe) observe(".", st, {});
    walker w{clamp_mtime, emit, prefetch_per_file, observe, {}, 0};
    w.visit_children(root_fd, identity_of(st), root, "");
}

}  // namespace lading::tar
