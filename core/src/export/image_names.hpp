// How a name given to an output is written in a store: its normalised form.
#pragma once

#include <lading/oci/digest.hpp>
#include <lading/export/output_spec.hpp>

#include <string>
#include <vector>

namespace lading {

// The normalised form ("docker.io/library/app:1") of a name given to an output.
std::string normalized_name(const std::string& name);

}  // namespace lading
