// Opens the regular files of a walked tree again when their content is read.
//
// The walk and the reading of contents are apart in time, and the tree may change in
// between. A file is therefore reached from the tree's root one component at a time with
// O_NOFOLLOW, never through a symlink, and only accepted when it is still the inode the
// walk saw, with the size and status-change time the walk saw: the tar header announcing
// it is already written. (A rewrite of the same size moves the ctime.)
#pragma once

#include "tar/tree_walker.hpp"
#include "posix/unique_fd.hpp"

#include <string>

namespace lading::tar {

class walked_file_opener {
public:
    // Opens the tree's root; throws lading::error if it is no longer the directory walked.
    walked_file_opener(const std::filesystem::path& root, const file_identity& root_identity);

    // A read-only descriptor of the regular file `e` describes. Throws lading::error naming
    // the file when it cannot be opened or is no longer the file that was walked.
    unpack::unique_fd open(const tree_entry& e);

private:
    // The directory `relative` names below the root ("" for the root), kept open for the
    // next file in the same directory.
    int directory(const std::string& relative, const tree_entry& e);

    unpack::unique_fd root_fd_;
    std::string dir_path_;
    unpack::unique_fd dir_fd_;
};

// Throws the error for a walked file that is not what it was: "<path> changed while the
// layer was being written (<how>); nothing was stored".
[[noreturn]] void throw_changed(const tree_entry& e, const std::string& how);

}  // namespace lading::tar
