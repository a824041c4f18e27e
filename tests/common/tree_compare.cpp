#include "tree_compare.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "printable_path.hpp"
#include "sha256.hpp"

namespace lading::test {

namespace fs = std::filesystem;

namespace {

struct entry {
    struct stat st {};
    std::string link_target;
};

using tree_map = std::map<std::string, entry>;  // relative path (raw bytes) -> entry

std::string read_link(const fs::path& p) {
    std::string buf(4096, '\0');
    ssize_t n = ::readlink(p.c_str(), buf.data(), buf.size());
    if (n < 0) return "<readlink failed: " + std::string(std::strerror(errno)) + ">";
    buf.resize(static_cast<std::size_t>(n));
    return buf;
}

tree_map scan(const fs::path& root) {
    tree_map m;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) throw std::system_error(ec, "scan " + printable(root));
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw std::system_error(ec, "scan " + printable(root));
        entry e;
        if (::lstat(it->path().c_str(), &e.st) != 0)
            throw std::system_error(errno, std::generic_category(), "lstat " + printable(it->path()));
        if (S_ISLNK(e.st.st_mode)) e.link_target = read_link(it->path());
        m.emplace(it->path().lexically_relative(root).native(), std::move(e));
    }
    return m;
}

const char* type_name(mode_t mode) {
    switch (mode & S_IFMT) {
        case S_IFREG: return "regular file";
        case S_IFDIR: return "directory";
        case S_IFLNK: return "symlink";
        case S_IFIFO: return "fifo";
        case S_IFCHR: return "char device";
        case S_IFBLK: return "block device";
        case S_IFSOCK: return "socket";
        default: return "unknown";
    }
}

std::string octal(mode_t m) {
    std::ostringstream os;
    os << '0' << std::oct << (m & 07777);
    return os.str();
}

constexpr const char* rootless_xattr = "user.rootlesscontainers";

// Decodes umoci's user.rootlesscontainers protobuf: field 1 uid, field 2 gid (varints);
// an absent xattr or field means 0.
std::pair<unsigned long, unsigned long> rootless_owner(const fs::path& p) {
    std::string v(64, '\0');
    ssize_t n = ::lgetxattr(p.c_str(), rootless_xattr, v.data(), v.size());
    std::pair<unsigned long, unsigned long> owner{0, 0};
    if (n <= 0) return owner;
    v.resize(static_cast<std::size_t>(n));
    std::size_t i = 0;
    auto varint = [&]() {
        unsigned long value = 0;
        for (int shift = 0; i < v.size() && shift < 64; shift += 7) {
            auto byte = static_cast<unsigned char>(v[i++]);
            value |= static_cast<unsigned long>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) break;
        }
        return value;
    };
    while (i < v.size()) {
        unsigned long key = varint();
        if ((key & 7) != 0) break;  // only varint fields are expected
        unsigned long value = varint();
        if ((key >> 3) == 1) owner.first = value;
        if ((key >> 3) == 2) owner.second = value;
    }
    return owner;
}

std::map<std::string, std::string> user_xattrs(const fs::path& p) {
    std::map<std::string, std::string> out;
    ssize_t n = ::llistxattr(p.c_str(), nullptr, 0);
    if (n <= 0) return out;
    std::string names(static_cast<std::size_t>(n), '\0');
    n = ::llistxattr(p.c_str(), names.data(), names.size());
    if (n <= 0) return out;
    names.resize(static_cast<std::size_t>(n));
    for (std::size_t pos = 0; pos < names.size();) {
        std::string name(names.c_str() + pos);
        pos += name.size() + 1;
        if (name.rfind("user.", 0) != 0 || name == rootless_xattr) continue;
        ssize_t vn = ::lgetxattr(p.c_str(), name.c_str(), nullptr, 0);
        std::string value(vn > 0 ? static_cast<std::size_t>(vn) : 0, '\0');
        if (vn > 0) vn = ::lgetxattr(p.c_str(), name.c_str(), value.data(), value.size());
        out[name] = vn >= 0 ? value.substr(0, static_cast<std::size_t>(vn)) : "<unreadable>";
    }
    return out;
}

}  // namespace

std::vector<std::string> compare_trees(const fs::path& expected, const fs::path& actual,
                                       const tree_compare_options& options) {
    std::vector<std::string> diffs;
    tree_map want = scan(expected);
    tree_map have = scan(actual);

    for (const auto& [rel, w] : want) {
        const std::string name = printable(std::string_view(rel));
        const fs::path wp = expected / rel, hp = actual / rel;
        auto found = have.find(rel);
        bool is_device = S_ISCHR(w.st.st_mode) || S_ISBLK(w.st.st_mode);
        if (found == have.end()) {
            if (!(is_device && options.devices == device_policy::may_be_missing))
                diffs.push_back(name + ": missing (expected " + type_name(w.st.st_mode) + ")");
            continue;
        }
        const entry& h = found->second;
        const mode_t wt = w.st.st_mode & S_IFMT, ht = h.st.st_mode & S_IFMT;

        if (is_device && options.devices == device_policy::as_empty_file) {
            if (ht != S_IFREG || h.st.st_size != 0)
                diffs.push_back(name + ": expected an empty regular file in place of the device, found " +
                                type_name(h.st.st_mode));
            else if ((w.st.st_mode & 07777) != (h.st.st_mode & 07777))
                diffs.push_back(name + ": mode " + octal(h.st.st_mode) + ", expected " + octal(w.st.st_mode));
            continue;
        }
        if (wt != ht) {
            diffs.push_back(name + ": is a " + type_name(h.st.st_mode) + ", expected a " +
                            type_name(w.st.st_mode));
            continue;
        }
        if (wt != S_IFLNK && (w.st.st_mode & 07777) != (h.st.st_mode & 07777))
            diffs.push_back(name + ": mode " + octal(h.st.st_mode) + ", expected " + octal(w.st.st_mode));
        if (options.owners != owner_policy::ignore &&
            !(options.owners == owner_policy::rootlesscontainers_xattr && wt == S_IFLNK)) {
            std::pair<unsigned long, unsigned long> got{h.st.st_uid, h.st.st_gid};
            if (options.owners == owner_policy::rootlesscontainers_xattr) got = rootless_owner(hp);
            if (got.first != w.st.st_uid || got.second != w.st.st_gid)
                diffs.push_back(name + ": owner " + std::to_string(got.first) + ":" + std::to_string(got.second) +
                                ", expected " + std::to_string(w.st.st_uid) + ":" + std::to_string(w.st.st_gid));
        }
        switch (wt) {
            case S_IFREG:
                if (w.st.st_size != h.st.st_size)
                    diffs.push_back(name + ": size " + std::to_string(h.st.st_size) + ", expected " +
                                    std::to_string(w.st.st_size));
                else if (sha256_file_hex(wp) != sha256_file_hex(hp))
                    diffs.push_back(name + ": content differs");
                break;
            case S_IFLNK:
                if (w.link_target != h.link_target)
                    diffs.push_back(name + ": symlink to '" + printable(std::string_view(h.link_target)) +
                                    "', expected '" + printable(std::string_view(w.link_target)) + "'");
                break;
            case S_IFCHR:
            case S_IFBLK:
                if (w.st.st_rdev != h.st.st_rdev)
                    diffs.push_back(name + ": device " + std::to_string(major(h.st.st_rdev)) + ":" +
                                    std::to_string(minor(h.st.st_rdev)) + ", expected " +
                                    std::to_string(major(w.st.st_rdev)) + ":" +
                                    std::to_string(minor(w.st.st_rdev)));
                break;
            default:
                break;
        }
        if (options.compare_user_xattrs) {
            auto wx = user_xattrs(wp), hx = user_xattrs(hp);
            if (wx != hx) {
                std::string msg = name + ": user xattrs {";
                for (const auto& [k, v] : hx) msg += k + "=" + printable(std::string_view(v)) + " ";
                msg += "}, expected {";
                for (const auto& [k, v] : wx) msg += k + "=" + printable(std::string_view(v)) + " ";
                diffs.push_back(msg + "}");
            }
        }
    }

    // Hardlinks: every group of names sharing an inode in `expected` must share one in `actual`.
    std::map<std::pair<dev_t, ino_t>, std::vector<std::string>> groups;
    for (const auto& [rel, w] : want)
        if (S_ISREG(w.st.st_mode) && w.st.st_nlink > 1) groups[{w.st.st_dev, w.st.st_ino}].push_back(rel);
    for (const auto& [key, names] : groups) {
        std::set<std::pair<dev_t, ino_t>> inodes;
        for (const auto& rel : names) {
            auto found = have.find(rel);
            if (found != have.end()) inodes.insert({found->second.st.st_dev, found->second.st.st_ino});
        }
        if (inodes.size() > 1) {
            std::string msg = "hardlinks no longer share an inode:";
            for (const auto& rel : names) msg += " " + printable(std::string_view(rel));
            diffs.push_back(msg);
        }
    }

    if (options.report_extra)
        for (const auto& [rel, h] : have)
            if (!want.count(rel))
                diffs.push_back(printable(std::string_view(rel)) + ": unexpected " + type_name(h.st.st_mode));
    return diffs;
}

std::string format_differences(const std::vector<std::string>& differences, std::size_t max) {
    std::string s;
    for (std::size_t i = 0; i < differences.size() && i < max; ++i) s += "  " + differences[i] + "\n";
    if (differences.size() > max) s += "  ... and " + std::to_string(differences.size() - max) + " more\n";
    return s;
}

}  // namespace lading::test
