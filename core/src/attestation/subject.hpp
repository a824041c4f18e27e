// What a statement is about: each name of the image as a package URL
// (pkg:docker/NAMESPACE/NAME@TAG?platform=OS%2FARCH), bound to that platform's manifest.
#pragma once

#include "attestation/statement.hpp"
#include <lading/oci/platform.hpp>

#include <string>
#include <vector>

namespace lading::attestation {

// The package URL of an image name for one platform, in docker's short form: docker.io's
// "library/" and "docker.io/" are dropped, a missing tag is "latest", a digest becomes the
// digest qualifier. Throws lading::error for a name that is not a valid reference.
std::string image_purl(const std::string& name, const platform& p);

// One subject per distinct purl of `names`, all with the manifest digest; with no names, one
// subject "_" (in-toto's name for an unnamed artifact) so the statement still binds the image.
std::vector<subject> image_subjects(const std::vector<std::string>& names, const platform& p, const digest& manifest);

}  // namespace lading::attestation
