// How an unpacked root filesystem gets into the directory its store names without ever
// being seen half-done: it is filled in a temporary sibling directory that is renamed to
// its final name only once complete. A crash leaves only the temporary, which the next
// unpack into the same area removes.
#pragma once

#include "posix/unique_fd.hpp"

#include <filesystem>
#include <vector>

namespace lading::unpack {

// Removes the temporaries that killed writers left beside the trees of the directories
// under `holders` (e.g. <area>/sha256, holding <hex>/rootfs); those in use stay.
void remove_stale_staging(const std::filesystem::path& holders);

class rootfs_staging {
public:
    // Creates "rootfs.tmp-<pid>-XXXXXX" beside area/rootfs, and the directories above it
    // that are missing: `area` private (0700: a rootfs may hold setuid files and device
    // nodes that other users of the host must not reach), those below it 0755.
    // Throws lading::error.
    rootfs_staging(const std::filesystem::path& area, const std::filesystem::path& rootfs);
    // Unless committed: removes the temporary, then the directories the constructor created.
    ~rootfs_staging();
    rootfs_staging(const rootfs_staging&) = delete;
    rootfs_staging& operator=(const rootfs_staging&) = delete;

    int fd() const { return fd_.get(); }  // the temporary, O_RDONLY | O_DIRECTORY
    const std::filesystem::path& temporary() const { return temporary_; }

    // Flushes the filesystem, then renames the temporary to `rootfs`. false when another
    // process committed the same rootfs first: then its copy stays and this one is removed.
    bool commit();

private:
    void discard() noexcept;

    std::filesystem::path rootfs_, temporary_;
    std::vector<std::filesystem::path> created_;  // directories made by the constructor, outermost first
    unique_fd fd_;
    bool committed_ = false;
};

}  // namespace lading::unpack
