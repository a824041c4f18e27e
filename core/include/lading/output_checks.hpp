// Every check an output gets before any work starts, so that bad input changes nothing.
#pragma once

#include <lading/export_request.hpp>
#include <lading/plugin/registry.hpp>

namespace lading {

// Throws usage_error (bad parameters or combinations) or lading::error (missing plugin).
void check_output(const output_spec& spec, plugin::registry& plugins);

// The request as it is exported. Attestations need OCI media types (the default): an
// explicit oci-mediatypes=false is a usage_error, and so is a media-type plugin that cannot
// carry attestation manifests.
export_request with_attestation_defaults(const export_request& request, plugin::registry& plugins);

}  // namespace lading
