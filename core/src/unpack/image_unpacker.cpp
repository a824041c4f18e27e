#include <lading/error.hpp>
#include "layer/layer_source.hpp"
#include "tar/tar_reader.hpp"
#include "unpack/host_image.hpp"
#include "unpack/image_unpacker.hpp"
#include "unpack/rootfs_staging.hpp"
#include "unpack/rootfs_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace lading::unpack {

namespace {

constexpr const char* estargz_toc_annotation = "containerd.io/snapshot/stargz/toc.digest";

// Passes a stream through while hashing it: the sha256 of a layer's uncompressed bytes is its diffID.
class hashing_source : public byte_source {
public:
    explicit hashing_source(byte_source& inner) : inner_(inner) {}
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = inner_.read(buf);
        hasher_.update(buf.first(n));
        return n;
    }
    // Reads what is left (the end-of-archive padding, and a decompressor's trailer checks).
    digest finish()
    {
        std::uint8_t buf[65536];
        while (read(buf) > 0) {
        }
        return hasher_.finish();
    }

private:
    byte_source& inner_;
    sha256_hasher hasher_;
};

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

}  // namespace

void unpack_image(plugin::store& store, const descriptor& root, plugin::catalog& plugins, progress_listener& progress)
{
    const auto host = platform::host();
    auto image = find_host_image(store, root, host);
    if (!image) {
        progress.step("unpack: " + root.digest.str() + " has no image for " + host.str() + ", nothing unpacked");
        return;
    }
    const auto store_dir = std::filesystem::absolute(store.location());
    remove_stale_staging(store_dir);
    const auto target = rootfs_path(store_dir, image->manifest.digest);
    struct stat st {};
    if (::lstat(target.c_str(), &st) == 0) {
        progress.step("unpack: " + target.string() + " is already there");
        return;
    }

    rootfs_staging staging(target);
    const bool as_root = ::geteuid() == 0;
    rootfs_writer writer(staging.fd(), as_root);
    for (const auto& l : image->layers) {
        const std::string what = "layer " + l.blob.digest.str();
        auto uncompressed = layer::open_uncompressed(store.open_blob(l.blob.digest), plugins, what);
        hashing_source hashed(*uncompressed);
        tar::tar_reader reader(hashed, what);
        writer.apply_layer(reader, what, {.skip_estargz_metadata = l.blob.annotations.count(estargz_toc_annotation) > 0});
        auto diff_id = hashed.finish();
        if (diff_id != l.diff_id)
            throw error(what + " does not match the image config: its uncompressed content is " + diff_id.str() +
                        ", the config says " + l.diff_id.str());
    }
    writer.finish();
    if (!staging.commit()) {
        progress.step("unpack: " + target.string() + " was unpacked by another process meanwhile");
        return;
    }
    progress.step("unpacked " + image->platform.str() + " root filesystem of " + image->manifest.digest.str() + " to " +
                  target.string() + skipped_note(writer.counts(), as_root));
}

}  // namespace lading::unpack
