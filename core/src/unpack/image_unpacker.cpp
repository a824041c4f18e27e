#include "rootfs_builder.hpp"

#include "unpack/platform_image.hpp"
#include "unpack/image_unpacker.hpp"

namespace lading::unpack {

void unpack_image(plugin::store& store, const descriptor& root, plugin::catalog& plugins, progress_listener& progress)
{
    const auto host = platform::host();
    auto image = find_platform_image(store, root, host);
    if (!image) {
        progress.step("unpack: " + root.digest.str() + " has no image for " + host.str() + ", nothing unpacked");
        return;
    }
    rootfs_builder builder(store, *image, plugins);
    const auto result = store.unpack(*image, builder);
    if (result.unpacked_now)
        progress.step("unpacked " + image->platform.str() + " root filesystem of " + image->manifest.digest.str() +
                      " to " + result.where + builder.skipped());
    else if (builder.raced())
        progress.step("unpack: " + result.where + " was unpacked by another process meanwhile");
    else
        progress.step("unpack: " + result.where + " is already there");
}

}  // namespace lading::unpack
