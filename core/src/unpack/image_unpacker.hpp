// unpack=true: the root filesystem of an exported image, for the platform of this
// machine, unpacked into the store it was written to, at
// <store>/unpacked/sha256/<manifest hex>/rootfs.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>
#include <lading/progress.hpp>

namespace lading::unpack {

// Reads the image `root` (a manifest or an index) and its layers from `store`, checks
// every layer's uncompressed bytes against the config's diffIDs, and renames the finished
// tree into place. Does nothing but say so through `progress` when the image has no
// manifest for this platform or its rootfs is already there (same manifest digest, same
// content). Throws lading::error naming the layer and entry that failed; the store then
// holds nothing of the attempt.
void unpack_image(plugin::store& store, const descriptor& root, plugin::catalog& plugins,
                  progress_listener& progress);

}  // namespace lading::unpack
