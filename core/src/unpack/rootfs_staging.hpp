// How an unpacked root filesystem gets into the directory its store names without ever
// being seen half-done: it is filled in a temporary sibling directory that is renamed to
// its final name only once complete. A crash leaves only the temporary, which the next
// unpack into the same area removes.
//
// Everything happens relative to the area's descriptor, opened once and checked: nobody
// who can write the store's root can swap the area (or a directory below it) for a link
// between the check and the use and have device nodes and setuid files land elsewhere.
#pragma once

#include "posix/unique_fd.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace lading::unpack {

// Opens the unpack area `area` without following a link, creating it (0700) when missing,
// and checks that it is a directory of this user with no group or other bits: a rootfs
// holds device nodes, setuid files and directories owned by the image's users. Throws
// lading::error naming what it found otherwise.
struct private_area {
    unique_fd fd;
    bool created = false;  // by this call: the caller removes it again if nothing lands in it
};
private_area open_private_area(const std::filesystem::path& area);

// Removes the temporaries that killed writers left beside the trees of the directories
// under `holders` in `area` (e.g. "sha256", holding <hex>/rootfs), and those directories when
// that leaves them empty; temporaries in use stay.
void remove_stale_staging(int area, const std::string& holders);

class rootfs_staging {
public:
    // Creates "rootfs.tmp-<pid>-XXXXXX" beside `rootfs` (relative to the area `area_fd`, at
    // least two plain components) and the directories above it that are missing (0755).
    // `area` names the area in messages. Throws lading::error.
    rootfs_staging(int area_fd, const std::filesystem::path& area, const std::filesystem::path& rootfs);
    // Unless committed: removes the temporary, then the directories the constructor created.
    ~rootfs_staging();
    rootfs_staging(const rootfs_staging&) = delete;
    rootfs_staging& operator=(const rootfs_staging&) = delete;

    int fd() const { return fd_.get(); }  // the temporary, O_RDONLY | O_DIRECTORY

    // Flushes the filesystem, then renames the temporary to `rootfs`. false when another
    // process committed the same rootfs first: then its copy stays and this one is removed.
    bool commit();

private:
    void discard() noexcept;

    struct opened_directory {
        unique_fd fd;
        std::string name;  // in the directory before it in the chain
        bool created = false;
    };
    std::filesystem::path rootfs_path_;      // for messages
    std::string rootfs_name_, temporary_name_;  // in the parent, chain_.back()
    std::vector<opened_directory> chain_;    // the area's subdirectories down to the parent
    int area_fd_ = -1;
    unique_fd fd_;
    bool committed_ = false;
};

}  // namespace lading::unpack
