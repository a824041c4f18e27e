// A cheap summary of a --layer source's state, from stat(2) alone (no file is read): it
// changes when any entry of a directory is added, removed, renamed, rewritten or has its
// owner, mode, times or link target changed, and when a tarball is replaced or rewritten.
// Only a hint that a layer's bytes are unchanged (see export/push_hints.hpp); a change the
// stat fields miss costs a re-upload, never a wrong image.
#pragma once

#include <lading/oci/digest.hpp>
#include "tar/tree_walker.hpp"

#include <filesystem>
#include <optional>
#include <string>

#include <sys/stat.h>

namespace lading::layer {

// The fingerprint of a directory built from the entries a tree walk reports (its
// tar::entry_observer), in the walk's order: the same digest source_fingerprint gives for the
// tree as walked, without a walk of its own.
class fingerprint_builder {
public:
    void add(const std::string& relative, const struct stat& st, const std::string& link_target);
    // What tar::walk_tree and tar::background_walk take: add(), as a callable.
    tar::entry_observer observer();
    // nullopt when nothing was added (the walk did not start).
    std::optional<digest> finish();

private:
    sha256_hasher hash_;
    bool added_ = false;
};

// For a directory: a hash over every entry below it (and itself) in name order: its
// relative path, type, mode, uid, gid, size, mtime and ctime in ns, inode, device and
// symlink target. For any other file: its own such fields. nullopt when some entry could
// not be read (no hint is kept then).
std::optional<digest> source_fingerprint(const std::filesystem::path& path);

}  // namespace lading::layer
