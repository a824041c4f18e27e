// Compares an unpacked tree (umoci bundle rootfs, containerd snapshot) with the tree it
// was made from, entry by entry: type, permission and setuid/setgid/sticky bits, content,
// symlink targets, hardlink groups, and optionally owners and user.* xattrs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lading::test {

enum class device_policy {
    must_match,     // same type and device numbers
    as_empty_file,  // umoci --rootless: an empty regular file with the same permission bits
    may_be_missing,
};

enum class owner_policy {
    ignore,
    stat,  // st_uid/st_gid must match
    // umoci --rootless keeps the owner in the user.rootlesscontainers xattr (a protobuf
    // {uid=1, gid=2}; absent means 0:0). Symlinks cannot carry user xattrs, so they are
    // not compared.
    rootlesscontainers_xattr,
};

struct tree_compare_options {
    owner_policy owners = owner_policy::ignore;
    bool compare_user_xattrs = false;  // user.rootlesscontainers is never compared as such
    device_policy devices = device_policy::must_match;
    bool report_extra = true;  // entries in `actual` that `expected` does not have
};

// One human-readable line per difference; empty when the trees agree. The roots themselves
// are not compared.
std::vector<std::string> compare_trees(const std::filesystem::path& expected,
                                       const std::filesystem::path& actual,
                                       const tree_compare_options& options = {});

// Joins differences for a test message (at most `max` lines).
std::string format_differences(const std::vector<std::string>& differences, std::size_t max = 40);

}  // namespace lading::test
