// Image manifests and indexes, independent of the media-type family that names them.
#pragma once

#include <lading/oci/descriptor.hpp>

#include <boost/json/object.hpp>

#include <vector>

namespace lading {

boost::json::object build_manifest(const std::string& media_type, const descriptor& config,
                                   const std::vector<descriptor>& layers, const annotation_map& annotations);

boost::json::object build_index(const std::string& media_type, const std::vector<descriptor>& manifests,
                                const annotation_map& annotations);

}  // namespace lading
