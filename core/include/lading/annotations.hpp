// annotation[-TYPE][[PLATFORM]].KEY parameters and where each lands.
#pragma once

#include <lading/descriptor.hpp>
#include <lading/output_spec.hpp>

#include <string>

namespace lading {

struct annotation_key {
    std::string type;      // manifest, manifest-descriptor, index, index-descriptor
    std::string platform;  // empty when the key has no [os/arch] filter
    std::string key;
};

// Throws lading::error when the key does not follow the grammar or names an unknown type.
annotation_key parse_annotation_key(const std::string& full);

struct manifest_annotations {
    annotation_map manifest;    // into the manifest itself
    annotation_map descriptor;  // onto the descriptor that points at the manifest
};

// For a single-manifest export only unqualified keys apply, as in BuildKit.
manifest_annotations single_manifest_annotations(const output_spec& spec);

}  // namespace lading
