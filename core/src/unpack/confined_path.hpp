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

#include "posix/unique_fd.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lading::unpack {

// Deeper directories than this are refused: removing or resolving them would need one
// open descriptor per level.
inline constexpr std::size_t max_directory_depth = 512;
// A name (or link target) cleaned to more components than this is refused outright.
inline constexpr std::size_t max_name_components = 8 * max_directory_depth;

// Resolving a name costs steps: one per component looked at (each component of a symlink's
// target included) and one per directory opened again when ".." makes the walk restart
// from the root. Symlinks let a short name cost far more steps than its length (a chain of
// links whose targets are long runs of "x/.."), so steps are counted and capped, per entry
// of a layer and per layer, keeping the work of an unpack linear in the layer's size.
struct resolution_limits {
    std::uint64_t steps_per_entry = 65536;
    std::uint64_t layer_allowance = 65536;  // steps any layer may take, however small
    std::uint64_t layer_steps_per_byte = 1;  // and more steps for each byte of the layer read so far
    // What the paths an unpack keeps in memory (directories whose attributes finish() sets,
    // the names a layer added) may take, with about 64 bytes of bookkeeping each: deep trees
    // of long names would otherwise grow it with the square of their depth.
    std::uint64_t kept_path_bytes = std::uint64_t{1} << 30;
};

class resolution_budget {
public:
    explicit resolution_budget(resolution_limits limits = {}) : limits_(limits) {}

    // Starts counting the steps of the entry whose header ends `layer_bytes` into the layer
    // (or into the layers, for work done once all are applied).
    void start_entry(std::uint64_t layer_bytes);

    // Throws lading::error when the entry, or the layer so far, has used more steps than allowed.
    void spend(std::uint64_t steps);

    std::uint64_t entry_steps() const { return entry_steps_; }
    std::uint64_t layer_steps() const { return layer_steps_; }

private:
    resolution_limits limits_;
    std::uint64_t layer_bytes_ = 0;
    std::uint64_t entry_steps_ = 0;
    std::uint64_t layer_steps_ = 0;
};

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
    // Charged with the steps taken; without one, a budget of the default limits for this
    // call alone applies.
    resolution_budget* budget = nullptr;
};

// Opens the directory that `components` name below `root_fd`. nullopt when a component
// is missing and not created (or is a symlink and symlinks are not followed). Throws
// lading::error when a component is something other than a directory or a symlink, when
// symlinks loop, when the result is nested deeper than max_directory_depth, or when the
// budget runs out. The paths
// of directories it creates are appended to `created`, parents first.
std::optional<confined_dir> open_confined_dir(int root_fd, std::span<const std::string> components,
                                              const resolve_options& options = {},
                                              std::vector<std::string>* created = nullptr);

}  // namespace lading::unpack
