// Puts a composed index into every target repository: children from other repositories are
// mounted (same registry) or copied (blobs, then manifests by digest); every child is then
// checked to be in each target repository; the index goes in by digest, and the tags last.
#pragma once

#include "imagetools/image_origin.hpp"
#include "imagetools/index_composer.hpp"

#include <lading/host_config.hpp>
#include <lading/oci/reference.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/progress.hpp>

#include <map>
#include <memory>
#include <stop_token>
#include <vector>

namespace lading::imagetools {

struct publish_request {
    const composed_index* index = nullptr;
    // Where each child (by digest) can be read when a target repository lacks it.
    std::map<digest, std::shared_ptr<image_origin>> origin_of;
    std::vector<image_reference> targets;  // tags (a target without a tag is written by digest only)
    const host_config* hosts = nullptr;
    std::stop_token stop;
};

// Throws lading::error; when it does, no tag was written.
void publish_index(const publish_request& request, plugin::catalog& plugins, progress_listener& progress);

}  // namespace lading::imagetools
