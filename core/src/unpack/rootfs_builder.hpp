// lading's own unpacker of an image into a directory tree, lent to a store whose unpack
// names a directory for the root filesystem (the oci-layout store does). Layers are read
// from the store, decompressed by the compressor plugins, checked against their diffIDs
// and applied in a locked temporary that is renamed into place when complete.
#pragma once

#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>
#include "unpack/platform_image.hpp"

#include <string>

namespace lading::unpack {

class rootfs_builder : public plugin::directory_unpacker {
public:
    rootfs_builder(plugin::store& store, const platform_image& image, plugin::catalog& plugins);

    // Builds <store's local root>/area/rootfs (lading_unpack_host in abi.h). Throws
    // lading::error naming the layer and entry that failed, or the place when the store
    // named none inside it.
    bool unpack_into(const std::string& area, const std::string& rootfs) override;

    // " (N device nodes skipped: ...)" after a tree was built here, else "".
    const std::string& skipped() const { return skipped_; }
    // Another process committed the same tree while this one was building it.
    bool raced() const { return raced_; }

private:
    plugin::store& store_;
    const platform_image& image_;
    plugin::catalog& plugins_;
    const bool as_root_;
    std::string skipped_;
    bool raced_ = false;
};

}  // namespace lading::unpack
