// Turns tar entry names into places inside a root filesystem without ever leaving it.
//
// lading confines instead of refusing: a name is cleaned as if it started at "/" (so
// "../x", "/x" and "a/../../x" all mean "x"), and a symlink met on the way is followed
// as if the rootfs were "/": an absolute target starts again at the rootfs and ".." stops
// there. Container runtimes read such layers the same way, and no name, symlink or
// combination of them reaches a file outside the rootfs. Each step opens one component
// with O_NOFOLLOW from the descriptor of the directory before it; no path is ever handed
// to the kernel whole.
#pragma once

#include <lading/unpack/unique_fd.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lading::unpack {

// Deeper directories than this are refused: removing or resolving them would need one
// open descriptor per level.
inline constexpr std::size_t max_directory_depth = 512;

// The components of `name` cleaned as if rooted at "/": empty and "." components vanish,
// ".." drops the component before it and never goes above the root. "", "." and "/" give
// no components (the root itself).
std::vector<std::string> clean_components(std::string_view name);

// "a/b" + "c" → "a/b/c"; "" + "c" → "c".
std::string join_path(std::string_view dir, std::string_view name);

// A directory inside the rootfs. `path` is where it really is, its components joined by
// '/' ("" for the rootfs itself), after every symlink on the way was followed.
struct confined_dir {
    unique_fd fd;  // O_PATH: usable as the directory of *at() calls
    std::string path;
};

struct resolve_options {
    bool create_missing = false;  // create missing directories (mode 0700; the caller sets the final mode)
    bool follow_symlinks = true;  // false: a symlink on the way counts as missing
};

// Opens the directory that `components` name below `root_fd`. nullopt when a component
// is missing and not created (or is a symlink and symlinks are not followed). Throws
// lading::error when a component is something other than a directory or a symlink, when
// symlinks loop, or when the result is nested deeper than max_directory_depth. The paths
// of directories it creates are appended to `created`, parents first.
std::optional<confined_dir> open_confined_dir(int root_fd, std::span<const std::string> components,
                                              const resolve_options& options = {},
                                              std::vector<std::string>* created = nullptr);

}  // namespace lading::unpack
