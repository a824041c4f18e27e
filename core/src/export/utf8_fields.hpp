// The texts an export writes into its JSON documents (image config, annotations, provenance)
// as they were given: JSON is UTF-8, so a value that is not well-formed UTF-8 is refused
// before any work starts, instead of making a config that strict readers reject.
#pragma once

#include <lading/export/export_request.hpp>

namespace lading {

// Throws usage_error naming the first setting or annotation that is not UTF-8.
void check_utf8_fields(const export_request& request);

}  // namespace lading
