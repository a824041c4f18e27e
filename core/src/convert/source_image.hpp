// The image a variant is made from, read from the store and checked before anything is
// written: each image manifest with its config and layers, and the indexes above them.
#pragma once

#include <lading/oci/descriptor.hpp>

#include <boost/json/object.hpp>

#include <vector>

namespace lading::plugin {
class store;
}

namespace lading::convert {

struct source_layer {
    boost::json::object entry;  // as the manifest lists it
    descriptor blob;
    digest diff_id;  // the config's
};

struct source_node {
    descriptor self;            // media type, digest and size of the document
    boost::json::object entry;  // as the parent index lists it (the root: self)
    boost::json::object document;
    bool is_index = false;
    // An image manifest:
    boost::json::object config_entry;
    boost::json::object config;
    std::vector<source_layer> layers;
    // An index: the entries a variant keeps, attestation manifests left out.
    std::vector<source_node> children;
};

// Reads `root` (an OCI or Docker image manifest or index) and everything under it. Throws
// lading::error naming the document that is missing, malformed or of a kind that has no
// variant (schema 1, an index that lists something other than images).
source_node read_source_image(plugin::store& store, const descriptor& root);

}  // namespace lading::convert
