// What one source contributes to the index: an image manifest becomes one child (its platform
// read from its config), an index contributes its children as they are, attestation
// manifests and their vnd.docker.reference.* annotations included.
#pragma once

#include "imagetools/image_origin.hpp"
#include "imagetools/index_composer.hpp"

#include <memory>
#include <string>
#include <vector>

namespace lading::imagetools {

struct source_images {
    std::vector<index_child> children;
    annotation_map index_annotations;  // when the source is an index
    bool is_index = false;
};

// Throws lading::error naming `label` when the source cannot be read or is not an image.
source_images read_source_images(image_origin& origin, const std::string& reference, const std::string& label);

}  // namespace lading::imagetools
