// Every check an output gets before any work starts, so that bad input changes nothing.
#pragma once

#include "export/export_facts.hpp"

#include <lading/export/export_request.hpp>

namespace lading {

// Throws usage_error (bad parameters or combinations) or lading::error (missing plugin).
// Pure: what the plugins can do comes from `plugins`.
void check_output(const output_spec& spec, const plugin_facts& plugins);

// The request as it is exported. Attestations need OCI media types (the default): an
// explicit oci-mediatypes=false is a usage_error, and so is a media-type plugin that cannot
// carry attestation manifests.
export_request with_attestation_defaults(const export_request& request, const plugin_facts& plugins);

}  // namespace lading
