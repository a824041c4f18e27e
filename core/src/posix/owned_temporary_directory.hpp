// A private working directory, e.g. in $TMPDIR, that outlives no process for long: its
// process holds the owner lock on it (posix/owner_lock.hpp) from creation to removal, so
// one left by a process that was killed or crashed is unlocked, and the next process that
// makes a directory of the same kind there removes it.
#pragma once

#include "posix/unique_fd.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace lading {

class owned_temporary_directory {
public:
    // Creates "<prefix><pid>-XXXXXX" (mode 0700) in `parent`, locks it, then removes the
    // abandoned directories named like it there. `purpose` ends the error message:
    // "cannot create a temporary directory <purpose>". Throws lading::error.
    owned_temporary_directory(const std::filesystem::path& parent, std::string_view prefix, const std::string& purpose);
    // Removes the directory with everything in it; the lock goes last.
    ~owned_temporary_directory();
    owned_temporary_directory(const owned_temporary_directory&) = delete;
    owned_temporary_directory& operator=(const owned_temporary_directory&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    unpack::unique_fd lock_;
};

// Whether `name` is one owned_temporary_directory gives with `prefix`: "<prefix><digits>-"
// and six letters or digits.
bool is_owned_temporary_name(std::string_view name, std::string_view prefix);

}  // namespace lading
