// Lists a directory tree as tar entries in lading's deterministic order.
#pragma once

#include <lading/tar/entry.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace lading::tar {

struct tree_entry {
    tar::entry header;
    std::filesystem::path source;  // where a regular file's content is read from
};

// Every entry below `root` (not root itself), parents before children, siblings sorted
// by the bytes of their names. Hardlinked files appear once as a file and then as links
// to it. Sockets are skipped. When clamp_mtime is set, later mtimes become that value.
// Throws lading::error naming the path that could not be read.
std::vector<tree_entry> walk_tree(const std::filesystem::path& root, std::optional<std::int64_t> clamp_mtime);

}  // namespace lading::tar
