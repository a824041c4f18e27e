#include "store/unpacked_area_check.hpp"

#include "posix/tree_removal.hpp"
#include "posix/unique_fd.hpp"

#include <lading/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lading {

namespace {

using unpack::unique_fd;

constexpr std::string_view staging_prefix = "rootfs.tmp-";

bool is_hex_digest(const std::string& name)
{
    return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// Whose unpacks the area serves: the store's owner. `store check` run by root on a user's
// store judges the area as that user's unpacks do (they refuse one another user owns).
uid_t owner_of(const std::filesystem::path& store_root)
{
    struct stat st {};
    return ::stat(store_root.c_str(), &st) == 0 ? st.st_uid : ::geteuid();
}

std::string octal(mode_t mode) { return (std::ostringstream() << '0' << std::oct << (mode & 07777)).str(); }

std::string kind_of(const struct stat& st)
{
    if (S_ISLNK(st.st_mode)) return "a symbolic link";
    if (S_ISREG(st.st_mode)) return "a file";
    if (S_ISDIR(st.st_mode)) return "a directory";
    return "a special file";
}

class area_walk {
public:
    area_walk(const std::filesystem::path& root, const unpacked_area_findings& findings)
        : area_(root / "unpacked"), owner_(owner_of(root)), findings_(findings)
    {
    }

    std::size_t run()
    {
        struct stat st {};
        if (::lstat(area_.c_str(), &st) != 0) {
            if (errno != ENOENT) findings_.fault("unsafe: cannot look at unpacked: " + std::string(std::strerror(errno)));
            return 0;
        }
        if (!S_ISDIR(st.st_mode)) {
            findings_.fault("unsafe: unpacked is " + kind_of(st) +
                            ", not a private directory; lading refuses to unpack there: remove it");
            return 0;
        }
        if (st.st_uid != owner_ || (st.st_mode & 0777) != 0700)
            findings_.fault("unsafe: unpacked (owner " + std::to_string(st.st_uid) + ", mode " + octal(st.st_mode) +
                            ") is not private to the store's owner " + std::to_string(owner_) +
                            " (mode 0700); lading refuses to unpack there");
        unique_fd area(::open(area_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!area) {
            findings_.fault("unsafe: cannot open unpacked: " + std::string(std::strerror(errno)));
            return 0;
        }
        for (const auto& name : sorted_names(area.get(), "unpacked")) {
            if (name == "sha256" && is_directory(area.get(), name, "unpacked/sha256"))
                check_digests(area.get());
            else if (name != "sha256")
                stray(area.get(), name, "unpacked/" + name, "only sha256/ belongs there");
        }
        return rootfs_count_;
    }

private:
    void check_digests(int area)
    {
        unique_fd dir(::openat(area, "sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) return;
        for (const auto& hex : sorted_names(dir.get(), "unpacked/sha256")) {
            const auto path = "unpacked/sha256/" + hex;
            if (!is_hex_digest(hex)) {
                stray(dir.get(), hex, path, "not a manifest digest");
                continue;
            }
            if (!is_directory(dir.get(), hex, path)) continue;
            unique_fd holder(::openat(dir.get(), hex.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (holder) check_holder(holder.get(), hex, path);
        }
    }

    // unpacked/sha256/<hex>: its rootfs and the temporaries of unpacks of that manifest.
    void check_holder(int holder, const std::string& hex, const std::string& path)
    {
        const auto names = sorted_names(holder, path);
        if (names.empty()) findings_.note("stale: " + path + " holds no root filesystem (left by an interrupted unpack)");
        for (const auto& name : names) {
            const auto inner = path + "/" + name;
            if (name == "rootfs") {
                if (!is_directory(holder, name, inner)) continue;
                ++rootfs_count_;
                const digest manifest = *digest::parse("sha256:" + hex);
                if (auto problem = findings_.manifest_problem(manifest))
                    findings_.fault("orphan: " + inner + " claims to be the root filesystem of " + manifest.str() +
                                    ", " + *problem);
            } else if (name.starts_with(staging_prefix)) {
                check_staging(holder, name, inner);
            } else {
                stray(holder, name, inner, "only rootfs and an unpack's temporaries belong there");
            }
        }
    }

    void check_staging(int holder, const std::string& name, const std::string& path)
    {
        if (!is_directory(holder, name, path)) return;
        unique_fd fd(::openat(holder, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) return;  // gone meanwhile: its writer finished
        // A writer holds its lock from creation to rename; a shared lock is taken only to see.
        if (::flock(fd.get(), LOCK_SH | LOCK_NB) != 0)
            findings_.temporary("temporary: " + path + " is being unpacked by a running process");
        else
            findings_.temporary("temporary: " + path +
                                " was abandoned by an interrupted unpack; the next unpack=true export into the store "
                                "removes it");
    }

    // True when `name` in `dir` is a real directory; reports a link or a file in its place.
    bool is_directory(int dir, const std::string& name, const std::string& path)
    {
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
        if (S_ISDIR(st.st_mode)) return true;
        findings_.fault("stray: " + path + " is " + kind_of(st) +
                        " where lading keeps a directory; lading never follows it");
        return false;
    }

    void stray(int dir, const std::string& name, const std::string& path, const std::string& why)
    {
        struct stat st {};
        const auto kind = ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? kind_of(st) : "an entry";
        findings_.fault("stray: " + path + " is " + kind + " lading did not put there (" + why + ")");
    }

    std::vector<std::string> sorted_names(int dir, const std::string& path)
    {
        try {
            auto names = unpack::list_directory(dir);
            std::sort(names.begin(), names.end());
            return names;
        } catch (const std::exception& e) {
            findings_.fault("unsafe: cannot list " + path + ": " + e.what());
            return {};
        }
    }

    std::filesystem::path area_;
    uid_t owner_;
    const unpacked_area_findings& findings_;
    std::size_t rootfs_count_ = 0;
};

}  // namespace

std::size_t check_unpacked_area(const std::filesystem::path& store_root, const unpacked_area_findings& findings)
{
    return area_walk(store_root, findings).run();
}

}  // namespace lading
