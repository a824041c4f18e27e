#include "rootfs_builder.hpp"

#include <lading/error.hpp>
#include "layer/layer_source.hpp"
#include "stream/read_ahead_source.hpp"
#include "tar/tar_reader.hpp"
#include "unpack/rootfs_staging.hpp"
#include "unpack/rootfs_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <vector>

namespace lading::unpack {

namespace {

constexpr const char* estargz_toc_annotation = "containerd.io/snapshot/stargz/toc.digest";

// A layer is decompressed and hashed for its diffID this far ahead of the files being
// written, on a thread of its own.
constexpr std::size_t read_ahead_chunk = 1 << 20;
constexpr std::size_t read_ahead_chunks = 4;

std::string counted(std::uint64_t n, const std::string& thing)
{
    return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

// " (1 device node skipped: not running as root)", or "" when nothing was left out.
std::string skipped_note(const unpack_counts& c, bool as_root)
{
    std::vector<std::string> notes;
    if (c.devices_skipped)
        notes.push_back(counted(c.devices_skipped, "device node") +
                        (as_root ? " skipped: mknod refused" : " skipped: not running as root"));
    if (c.owners_skipped) notes.push_back(counted(c.owners_skipped, "owner") + " not set: ids not mapped here");
    if (c.xattrs_skipped) notes.push_back(counted(c.xattrs_skipped, "extended attribute") + " not set");
    std::string out;
    for (const auto& n : notes) out += (out.empty() ? " (" : "; ") + n;
    return out.empty() ? out : out + ")";
}

// A relative path whose every component is a name (not empty, ".", ".."), with at least
// `least` components.
bool plain_relative(const std::filesystem::path& p, std::size_t least)
{
    if (!p.is_relative()) return false;
    std::size_t n = 0;
    for (const auto& c : p) {
        if (c.empty() || c == "." || c == "..") return false;
        ++n;
    }
    return n >= least;
}

}  // namespace

rootfs_builder::rootfs_builder(plugin::store& store, const platform_image& image, plugin::catalog& plugins)
    : store_(store), image_(image), plugins_(plugins), as_root_(::geteuid() == 0)
{
}

bool rootfs_builder::unpack_into(const std::string& area_name, const std::string& rootfs_name)
{
    const std::filesystem::path area_part(area_name), rootfs(rootfs_name);
    if (!plain_relative(area_part, 1) || std::distance(area_part.begin(), area_part.end()) != 1 ||
        !plain_relative(rootfs, 2))
        throw error("the " + store_.backend() + " store asked to unpack into \"" + area_name + "\" / \"" +
                    rootfs_name + "\", which is not a place inside it");
    const auto root = store_.local_root();
    if (!root) throw error("the " + store_.backend() + " store has no local directory to unpack into");
    const auto area = *root / area_part;
    const auto opened = open_private_area(area);
    const int area_fd = opened.fd.get();
    // A failed first unpack leaves the store as it was: no empty area either.
    struct created_area_removal {
        const std::filesystem::path& area;
        bool armed;
        ~created_area_removal()
        {
            if (armed) ::rmdir(area.c_str());
        }
    } removal{area, opened.created};
    remove_stale_staging(area_fd, rootfs.begin()->string());
    struct stat st {};
    if (::fstatat(area_fd, rootfs.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return false;

    rootfs_staging staging(area_fd, area, rootfs);
    rootfs_writer writer(staging.fd(), as_root_);
    for (const auto& l : image_.layers) {
        const std::string what = "layer " + l.blob.digest.str();
        auto uncompressed = layer::open_uncompressed(store_.open_blob(l.blob.digest), plugins_, what);
        sha256_hasher diff_hash;
        read_ahead_source ahead(*uncompressed, read_ahead_chunk, read_ahead_chunks,
                                [&](std::span<const std::uint8_t> chunk) { diff_hash.update(chunk); });
        tar::tar_reader reader(ahead, what);
        writer.apply_layer(reader, what,
                           {.skip_estargz_metadata = l.blob.annotations.count(estargz_toc_annotation) > 0});
        // What is left: the end-of-archive padding, and a decompressor's trailer checks.
        while (!ahead.next_chunk().empty()) {
        }
        auto diff_id = diff_hash.finish();
        if (diff_id != l.diff_id)
            throw error(what + " does not match the image config: its uncompressed content is " + diff_id.str() +
                        ", the config says " + l.diff_id.str());
    }
    writer.finish();
    skipped_ = skipped_note(writer.counts(), as_root_);
    raced_ = !staging.commit();
    removal.armed = false;
    return !raced_;
}

}  // namespace lading::unpack
