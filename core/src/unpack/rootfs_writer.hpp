// Applies image layers, bottom to top, to a directory that becomes a root filesystem.
//
// Each entry lands with its content, permission bits (setuid, setgid and sticky when the
// kernel allows them), mtime, symlink target or hardlink; owners and device nodes only
// when running as root (without root, device nodes are skipped, as rootless unpackers
// do); extended attributes on a best-effort basis. Entry names are placed with
// confined_path, so nothing is ever written outside the directory. Directory modes and
// mtimes are set by finish(), once everything inside them exists.
#pragma once

#include "tar/tar_reader.hpp"
#include "unpack/confined_path.hpp"
#include "unpack/directory_chain.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <time.h>

namespace lading::unpack {

struct unpack_counts {
    std::uint64_t entries = 0;
    std::uint64_t devices_skipped = 0;  // not root, or mknod refused
    std::uint64_t owners_skipped = 0;   // root, but chown refused (an unmapped id)
    std::uint64_t xattrs_skipped = 0;   // refused by the kernel or the filesystem
};

struct layer_options {
    // An estargz layer carries its table of contents and prefetch landmarks as top-level
    // entries; they describe the layer and are not files of the image.
    bool skip_estargz_metadata = false;
};

class rootfs_writer {
public:
    // `root_fd` is the directory being filled, opened O_RDONLY | O_DIRECTORY; the caller
    // keeps it open while this object lives. `limits` bound the work of resolving names.
    rootfs_writer(int root_fd, bool as_root, resolution_limits limits = {});

    // Reads `layer` to its end-of-archive marker and applies every entry. Throws
    // lading::error naming `what` and the entry that could not be applied, or whose name
    // takes more resolution steps than the limits allow.
    void apply_layer(tar::tar_reader& layer, const std::string& what, const layer_options& options = {});

    // Sets the modes and mtimes of directories, deepest first. Call once, after the last
    // layer. Finding each directory again costs steps, limited as for one layer as long as
    // all layers together.
    void finish();

    const unpack_counts& counts() const { return counts_; }

    // The resolution steps the last layer applied has taken.
    std::uint64_t layer_resolution_steps() const { return budget_.layer_steps(); }

private:
    struct dir_attributes {
        std::uint32_t mode = 0755;
        std::optional<timespec> mtime;
    };

    void apply_entry(const tar::read_entry& e, tar::tar_reader& layer, const layer_options& options);
    void apply_root_entry(const tar::read_entry& e);
    void apply_whiteout(const std::vector<std::string>& parent, const std::string& base);
    static unique_fd create_file(int dir_fd, const std::string& name);
    void replace_existing(int dir_fd, const std::string& name, const std::string& path);
    void write_regular(int fd, int dir_fd, const std::string& name, const tar::read_entry& e, tar::tar_reader& layer);
    void make_hardlink(int dir_fd, const std::string& name, const tar::entry& h);
    void set_owner(int dir_fd, const std::string& name, const tar::entry& h);
    void set_xattrs(int dir_fd, const std::string& name, const tar::entry& h);
    void note_added(const std::string& path);
    void forget_below(const std::string& path);
    void forget_added();
    void remember_directory(const std::string& path, dir_attributes attributes);
    void count_kept(std::uint64_t bytes);

    int root_fd_;
    bool as_root_;
    resolution_limits limits_;
    resolution_budget budget_;         // of the layer being applied
    directory_chain chain_;            // the parent directory of the entry applied last
    std::uint64_t bytes_applied_ = 0;  // of all layers, up to the last header of each
    unpack_counts counts_;
    std::map<std::string, dir_attributes> directories_;  // path in the rootfs → attributes to set at the end
    std::unordered_set<std::string> added_;  // paths this layer created, with their parent directories
    std::uint64_t added_bytes_ = 0;          // what added_ takes, counted as kept_path_bytes counts it
    std::uint64_t kept_bytes_ = 0;           // what directories_ and added_ take together
    std::optional<tar::entry> root_owner_;   // the root entry's owner, set by finish()
    bool content_failed_ = false;  // the layer stream failed while a file's content was copied
    std::vector<std::uint8_t> buffer_;
};

}  // namespace lading::unpack
