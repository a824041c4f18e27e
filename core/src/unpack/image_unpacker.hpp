// unpack=true: the root filesystem of an exported image, for the platform of this
// machine, unpacked by the store it was written to, where and how that store keeps root
// filesystems (the oci-layout store: <store>/unpacked/sha256/<manifest hex>/rootfs, built
// by lading's own directory unpacker).
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>
#include <lading/progress.hpp>

namespace lading::unpack {

// Reads the image `root` (a manifest or an index) from `store` and has the store unpack the
// manifest for this platform. A directory tree is built from the layers read from the
// store, each checked against the config's diffID, and renamed into place when finished.
// Does nothing but say so through `progress` when the image has no manifest for this
// platform or its rootfs is already there (same manifest digest, same content). Throws
// lading::error naming the layer and entry that failed, or saying that the store cannot
// unpack; the store then holds nothing of the attempt.
void unpack_image(plugin::store& store, const descriptor& root, plugin::catalog& plugins,
                  progress_listener& progress);

}  // namespace lading::unpack
