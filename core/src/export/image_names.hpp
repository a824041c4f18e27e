// The names one output gives its image: as listed, plus dangling and canonical names.
#pragma once

#include <lading/oci/digest.hpp>
#include <lading/export/output_spec.hpp>

#include <string>
#include <vector>

namespace lading {

// BuildKit's order: the names given, "<prefix>@<digest>" when dangling-name-prefix is
// set (unless danging-name-empty-only and names exist), then "<name>@<digest>" for each
// given name without a digest when name-canonical is set.
std::vector<std::string> final_names(const output_spec& spec, const digest& root);

// The normalised form ("docker.io/library/app:1") of a name given to an output.
std::string normalized_name(const std::string& name);

}  // namespace lading
