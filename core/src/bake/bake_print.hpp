// What `lading bake --print` and `--list` show.
#pragma once

#include "bake/bake_target.hpp"
#include "bake/resolve_bake.hpp"

#include <string>
#include <vector>

namespace lading::bake {

// {"group": {NAME: {"targets": [...]}}, "target": {NAME: {...}}} with bake's key names,
// pretty-printed; empty keys are left out.
std::string print_resolved(const resolved_bake& bake);

// Aligned tables with a header line: "NAME TYPE DESCRIPTION" and "VARIABLE TYPE VALUE DESCRIPTION".
std::string list_targets(const std::vector<target_listing>& targets);
std::string list_variables(const std::vector<variable_listing>& variables);

}  // namespace lading::bake
