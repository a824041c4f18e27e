// Every check an output gets before any work starts, so that bad input changes nothing.
#pragma once

#include <lading/export_request.hpp>
#include <lading/plugin/registry.hpp>

namespace lading {

// Throws usage_error (bad parameters or combinations) or lading::error (missing plugin).
void check_output(const output_spec& spec, plugin::registry& plugins);

}  // namespace lading
