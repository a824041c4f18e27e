// Where an unpacked root filesystem lives in a store directory, and how it gets there
// without ever being seen half-done: it is filled in a temporary sibling directory that
// is renamed to its final name only once complete. A crash leaves only the temporary,
// which the next unpack into the same store removes.
#pragma once

#include <lading/oci/digest.hpp>
#include "posix/unique_fd.hpp"

#include <filesystem>
#include <vector>

namespace lading::unpack {

// <store>/unpacked/sha256/<hex of the manifest digest>/rootfs
std::filesystem::path rootfs_path(const std::filesystem::path& store_dir, const digest& manifest);

// Removes the temporaries under <store>/unpacked/sha256/*/ of processes that no longer run.
void remove_stale_staging(const std::filesystem::path& store_dir);

class rootfs_staging {
public:
    // Creates "rootfs.tmp-<pid>-XXXXXX" beside `rootfs`, and the directories above it
    // that are missing. Throws lading::error.
    explicit rootfs_staging(std::filesystem::path rootfs);
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
    std::vector<std::filesystem::path> created_;  // parents made by the constructor, outermost first
    unique_fd fd_;
    bool committed_ = false;
};

}  // namespace lading::unpack
