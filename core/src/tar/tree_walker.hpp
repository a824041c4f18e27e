// Lists a directory tree as tar entries in lading's deterministic order.
#pragma once

#include "tar/entry.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <sys/types.h>

namespace lading::tar {

// Which inode a name led to when the tree was walked.
struct file_identity {
    dev_t device = 0;
    ino_t inode = 0;
    friend bool operator==(const file_identity&, const file_identity&) = default;
};

// The inode's status-change time (ctime). Any write to a file, and any change of its owner,
// mode, links or attributes, moves it; nothing can set it back.
struct change_stamp {
    std::int64_t seconds = 0;
    long nanoseconds = 0;
    friend bool operator==(const change_stamp&, const change_stamp&) = default;
};

struct tree_entry {
    tar::entry header;
    std::filesystem::path source;  // where the entry was found, for messages
    file_identity identity;        // what it was when walked; its content must come from the same inode
    change_stamp changed;          // when it was walked: its content must be what it was then
};

change_stamp change_stamp_of(const struct stat& st);

struct walked_tree {
    std::filesystem::path root;
    file_identity root_identity;
    std::vector<tree_entry> entries;
};

// Every entry below `root` (not root itself), parents before children, siblings sorted
// by the bytes of their names. Hardlinked files appear once as a file and then as links
// to it. Sockets are skipped. When clamp_mtime is set, later mtimes become that value.
// Only `root` itself may be a symlink: below it, every directory is opened from its parent
// with O_NOFOLLOW, so a directory swapped for a symlink during the walk cannot lead it out
// of the tree. Throws lading::error naming the path that could not be read or that changed
// while it was being looked at.
walked_tree walk_tree(const std::filesystem::path& root, std::optional<std::int64_t> clamp_mtime);

// Told of every name the walk looks at, in walk order: the root as ".", then each entry
// below it (sockets included, which give no tar entry) with its path relative to the root
// (no trailing '/'), its lstat, and a symlink's target. layer/source_fingerprint.hpp
// fingerprints a tree from exactly this.
using entry_observer =
    std::function<void(const std::string& relative, const struct stat& st, const std::string& link_target)>;

// The same walk, handing each entry to `emit` as soon as it is known instead of keeping
// them all; `opened` is called first, once the root is open, with the root's identity.
// With `prefetch_per_file`, the kernel is asked to start reading the first that many bytes
// of each regular file when the walk meets it (see prefetched_bytes), so that a reader
// following the walk finds a cold tree's contents on their way into the page cache.
void walk_tree(const std::filesystem::path& root, std::optional<std::int64_t> clamp_mtime,
               const std::function<void(const std::filesystem::path&, const file_identity&)>& opened,
               const std::function<void(tree_entry&&)>& emit, std::uint64_t prefetch_per_file = 0,
               const entry_observer& observe = {});

// How many bytes of `e`'s content the walk asked the kernel to read ahead.
std::uint64_t prefetched_bytes(const tree_entry& e, std::uint64_t prefetch_per_file);

}  // namespace lading::tar
