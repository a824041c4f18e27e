#include <lading/directory_names.hpp>
#include <lading/error.hpp>
#include <lading/tar/tree_walker.hpp>

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

[[noreturn]] void fail(const std::filesystem::path& p, const char* what)
{
    throw error(std::string("cannot ") + what + " " + p.string() + ": " + std::strerror(errno));
}

std::vector<std::pair<std::string, std::string>> read_xattrs(const std::filesystem::path& p)
{
    std::vector<std::pair<std::string, std::string>> out;
    ssize_t len = ::llistxattr(p.c_str(), nullptr, 0);
    if (len < 0) {
        if (errno == ENOTSUP || errno == ENODATA) return out;
        fail(p, "list extended attributes of");
    }
    if (len == 0) return out;
    std::string names(static_cast<std::size_t>(len), '\0');
    len = ::llistxattr(p.c_str(), names.data(), names.size());
    if (len < 0) fail(p, "list extended attributes of");
    names.resize(static_cast<std::size_t>(len));
    for (std::size_t i = 0; i < names.size();) {
        std::string name(names.c_str() + i);
        i += name.size() + 1;
        if (name.empty()) continue;
        ssize_t vlen = ::lgetxattr(p.c_str(), name.c_str(), nullptr, 0);
        if (vlen < 0) {
            if (errno == ENODATA) continue;
            fail(p, "read extended attributes of");
        }
        std::string value(static_cast<std::size_t>(vlen), '\0');
        vlen = ::lgetxattr(p.c_str(), name.c_str(), value.data(), value.size());
        if (vlen < 0) fail(p, "read extended attributes of");
        value.resize(static_cast<std::size_t>(vlen));
        out.emplace_back(std::move(name), std::move(value));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_link(const std::filesystem::path& p, std::size_t size_hint)
{
    std::string target(size_hint + 1, '\0');
    for (;;) {
        ssize_t n = ::readlink(p.c_str(), target.data(), target.size());
        if (n < 0) fail(p, "read symlink");
        if (static_cast<std::size_t>(n) < target.size()) {
            target.resize(static_cast<std::size_t>(n));
            return target;
        }
        target.resize(target.size() * 2);
    }
}

std::vector<std::string> sorted_children(const std::filesystem::path& dir)
{
    DIR* d = ::opendir(dir.c_str());
    if (!d) fail(dir, "open directory");
    auto names = read_names_and_close(d);
    if (!names) fail(dir, "read directory");
    std::sort(names->begin(), names->end());
    return *names;
}

struct walker {
    std::optional<std::int64_t> clamp;
    std::map<std::pair<dev_t, ino_t>, std::string> first_link_name;
    std::vector<tree_entry> out;

    void visit_children(const std::filesystem::path& dir, const std::string& prefix)
    {
        for (const auto& name : sorted_children(dir)) visit(dir / name, prefix + name);
    }

    void visit(const std::filesystem::path& p, const std::string& name)
    {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) fail(p, "stat");
        tree_entry te;
        auto& h = te.header;
        h.name = name;
        h.mode = st.st_mode & 07777;
        h.uid = st.st_uid;
        h.gid = st.st_gid;
        h.mtime = st.st_mtim.tv_sec;
        if (clamp && h.mtime > *clamp) h.mtime = *clamp;

        switch (st.st_mode & S_IFMT) {
        case S_IFREG: {
            if (::access(p.c_str(), R_OK) != 0) fail(p, "read");
            if (st.st_nlink > 1) {
                auto [it, inserted] = first_link_name.try_emplace({st.st_dev, st.st_ino}, name);
                if (!inserted) {
                    h.type = entry_type::hardlink;
                    h.link_name = it->second;
                    break;
                }
            }
            h.type = entry_type::regular;
            h.size = static_cast<std::uint64_t>(st.st_size);
            te.source = p;
            break;
        }
        case S_IFDIR: h.type = entry_type::directory; h.name += '/'; break;
        case S_IFLNK:
            h.type = entry_type::symlink;
            h.link_name = read_link(p, static_cast<std::size_t>(st.st_size));
            break;
        case S_IFCHR: h.type = entry_type::char_device; break;
        case S_IFBLK: h.type = entry_type::block_device; break;
        case S_IFIFO: h.type = entry_type::fifo; break;
        default: return;  // sockets cannot be carried in a layer
        }
        if (h.type == entry_type::char_device || h.type == entry_type::block_device) {
            h.dev_major = major(st.st_rdev);
            h.dev_minor = minor(st.st_rdev);
        }
        h.xattrs = read_xattrs(p);
        bool is_dir = h.type == entry_type::directory;
        std::string child_prefix = h.name;
        out.push_back(std::move(te));
        if (is_dir) visit_children(p, child_prefix);
    }
};

}  // namespace

std::vector<tree_entry> walk_tree(const std::filesystem::path& root, std::optional<std::int64_t> clamp_mtime)
{
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0) fail(root, "find context directory");
    if (!S_ISDIR(st.st_mode)) throw error(root.string() + " is not a directory");
    walker w{clamp_mtime, {}, {}};
    w.visit_children(root, "");
    return std::move(w.out);
}

}  // namespace lading::tar
