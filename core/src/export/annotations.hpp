// annotation[-TYPE][[PLATFORM]].KEY parameters and where each lands.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/export/output_spec.hpp>

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

// Annotations for the manifest of `p`. For a single-manifest export only unqualified keys
// apply, as in BuildKit; with an index, keys qualified with `p` apply too and win over
// unqualified ones.
manifest_annotations annotations_for_manifest(const output_spec& spec, const platform& p, bool in_index);

struct index_annotations {
    annotation_map index;       // into the index
    annotation_map descriptor;  // onto the descriptor that points at the index
};
index_annotations annotations_for_index(const output_spec& spec);

// Throws usage_error when a platform-qualified key names a platform that is not built.
void check_annotation_platforms(const output_spec& spec, const std::vector<platform>& built);

}  // namespace lading
