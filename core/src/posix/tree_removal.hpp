// Listing and removing directory trees through descriptors, never following a symlink.
#pragma once

#include <string>
#include <vector>

namespace lading::unpack {

// The names in the directory `dir_fd` (which may be an O_PATH descriptor), without "." and "..".
std::vector<std::string> list_directory(int dir_fd);

// Removes `name` inside `dir_fd`, with everything below it when it is a directory. A
// symlink is removed, not followed. Directories without write or search permission for
// their owner are opened up first. Nothing there is not an error. Throws lading::error.
void remove_tree_at(int dir_fd, const std::string& name);

}  // namespace lading::unpack
