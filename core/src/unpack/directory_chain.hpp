// The directories leading to the parent of the entry applied last, kept open one
// descriptor per level, so that the next entry opens only the levels its path does not
// share. A layer lists a directory's entries together, so most entries open nothing at
// all; walking every name from the rootfs again cost an unpack as many lookups as the
// names have components.
//
// Only real directories are kept: a path that meets a symlink, or anything but a
// directory, is resolved by open_confined_dir from the rootfs, with all its rules. Whoever
// removes something from the rootfs calls forget() with its path, so no descriptor stays
// for a directory that is gone or replaced.
#pragma once

#include "posix/unique_fd.hpp"
#include "unpack/confined_path.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lading::unpack {

class directory_chain {
public:
    // `root_fd` is the rootfs, kept open by the caller while this object lives.
    explicit directory_chain(int root_fd) : root_fd_(root_fd) {}

    struct opened {
        int fd;                   // borrowed: valid until the next open(), or forget() of it
        const std::string& path;  // as confined_dir::path; valid as long as fd
    };

    // The directory `components` name, created where missing, as
    // open_confined_dir(root_fd, components, {.create_missing = true, .budget = &budget},
    // &created) finds it; each level opened costs `budget` a step.
    opened open(std::span<const std::string> components, resolution_budget& budget, std::vector<std::string>& created);

    // Closes the kept directories at `path` and below it.
    void forget(const std::string& path);

private:
    int root_fd_;
    std::vector<std::string> names_;  // one component per kept level
    std::vector<std::string> paths_;  // the path of each kept level
    std::vector<unique_fd> fds_;      // the descriptor of each kept level
    std::optional<confined_dir> resolved_;  // the last directory open_confined_dir found
    const std::string root_path_;     // "": the rootfs itself
};

}  // namespace lading::unpack
