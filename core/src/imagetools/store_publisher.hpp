// Puts a composed index into the local store under names: every image it lists is copied
// into the store first (manifests, configs and layers, each checked against its digest),
// then the index, and the names last.
#pragma once

#include "imagetools/image_origin.hpp"
#include "imagetools/index_composer.hpp"

#include <lading/plugin/store.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lading::imagetools {

// Throws lading::error; when it does, no name was bound.
void store_index(const composed_index& index, const std::map<digest, std::shared_ptr<image_origin>>& origin_of,
                 const std::vector<std::string>& names, plugin::store& store);

}  // namespace lading::imagetools
