// The attest stage: one attestation manifest per platform manifest of an output.
#pragma once

#include "build_layers.hpp"
#include "export_plan.hpp"

#include "attestation/export_attestations.hpp"
#include "export/blob_sink.hpp"
#include "plugin/media_types.hpp"

#include <cstdint>
#include <vector>

namespace lading {

// Writes the attestation manifests of output `output` (whose platform manifests are
// `manifests`, in plan.platforms order) to `sink`; returns their index entries.
std::vector<descriptor> attest_output(const export_plan& plan, std::size_t output,
                                      const attestation::export_attestations& attestations,
                                      const built_layers& layers, const std::vector<descriptor>& manifests,
                                      const plugin::media_types& types, const blob_sink& sink, std::int64_t started);

}  // namespace lading
