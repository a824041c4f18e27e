// Decides everything one export does, from the request and the facts gathered for it.
// Pure: no I/O, no plugin calls; the same inputs always give the same plan.
#pragma once

#include "export_facts.hpp"
#include "export_plan.hpp"

#include <lading/export/export_request.hpp>

namespace lading {

// The checks that need neither the layers nor the base images, so that a bad request is
// refused before anything is read. Throws usage_error, or lading::error for a plugin that
// is missing.
void check_export_request(const export_request& request, const plugin_facts& plugins);

// Throws what check_export_request throws, and usage_error for choices that only the base
// images reveal (a base for another platform, a --layer for a platform not built, annotations
// for a platform not built, index annotations on a single manifest); lading::error for a base
// image whose layers cannot be converted as asked.
export_plan plan_export(const export_request& request, const export_facts& facts);

}  // namespace lading
