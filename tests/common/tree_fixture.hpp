// A directory tree holding every kind of entry an image layer has to carry: regular files
// (empty, small, ~5 MiB random), nested and empty directories, relative/absolute/dangling
// symlinks, hardlinks, a fifo, a character device, long names (> 100 bytes and a total path
// > 255 bytes), a non-UTF-8 name, a user xattr, setuid/setgid/sticky bits, odd modes and a
// non-root owner. Entries the machine refuses (mknod, xattrs) are skipped with a Catch WARN
// and recorded, so that comparisons know what to expect.
//
// Creation must run inside a Catch test case (it reports with WARN).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lading::test {

// Relative paths of the notable entries, for targeted checks.
namespace tree_paths {
inline constexpr const char* small_file = "file.txt";
inline constexpr const char* empty_file = "empty";
inline constexpr const char* large_file = "large.bin";
inline constexpr const char* nested_file = "dir/nested/deep/leaf.txt";
inline constexpr const char* empty_dir = "empty-dir";
inline constexpr const char* nested_empty_dir = "dir/empty-sub";
inline constexpr const char* symlink_relative = "link-relative";
inline constexpr const char* symlink_up = "dir/nested/link-up";
inline constexpr const char* symlink_absolute = "link-absolute";
inline constexpr const char* symlink_dangling = "link-dangling";
inline constexpr const char* hardlink_a = "hardlink-a";
inline constexpr const char* hardlink_b = "dir/hardlink-b";
inline constexpr const char* fifo = "fifo";
inline constexpr const char* char_device = "dev/null-copy";
inline constexpr const char* xattr_file = "xattr.txt";
inline constexpr const char* setuid_file = "setuid";
inline constexpr const char* setgid_file = "setgid";
inline constexpr const char* setgid_dir = "setgid-dir";
inline constexpr const char* sticky_dir = "sticky";
inline constexpr const char* mode_0600 = "mode-0600";
inline constexpr const char* mode_0711 = "mode-0711";
inline constexpr const char* owned_file = "owned";
inline constexpr const char* owned_dir = "owned-dir";
inline constexpr const char* owned_symlink = "owned-link";
inline constexpr const char* bulk_dir = "bulk";
}  // namespace tree_paths

inline constexpr unsigned foreign_uid = 1234;
inline constexpr unsigned foreign_gid = 5678;

struct tree_fixture_options {
    std::uint64_t seed = 1;  // same seed, same content
    std::uint64_t large_file_size = 5ull * 1024 * 1024;
    // Extra compressible text under bulk/ (for thread-count tests): this many bytes in
    // files of at most bulk_file_size bytes. 0: no bulk/ directory.
    std::uint64_t bulk_text_size = 0;
    std::uint64_t bulk_file_size = 16ull * 1024 * 1024;
    bool with_device = true;
    bool with_xattr = true;
};

struct tree_fixture {
    std::filesystem::path root;
    bool has_device = false;  // mknod worked
    bool has_xattr = false;   // user.demo=hello is set on xattr.txt
    std::vector<std::string> skipped;  // what could not be created, and why

    // The long names, relative to root.
    std::filesystem::path long_name_file;   // one component of 150 bytes
    std::filesystem::path long_path_file;   // total path > 255 bytes
    std::filesystem::path long_symlink;     // symlink whose target is > 100 bytes
    std::filesystem::path long_hardlink;    // hardlink (name > 100 bytes) to long_path_file
    std::filesystem::path non_utf8_file;    // name contains bytes 0xff 0xfe
};

// Creates `root` (must not exist yet, its parent must) and fills it.
tree_fixture create_tree_fixture(const std::filesystem::path& root,
                                 const tree_fixture_options& options = {});

}  // namespace lading::test
