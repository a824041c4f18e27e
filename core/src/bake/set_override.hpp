// `--set PATTERN.KEY=VALUE` and `--push` applied to targets whose files are fully read.
// PATTERN is a glob over target names; "+=" appends to a list key; a repeated "=" for the
// same target and key collects the values, as bake does.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/target_fields.hpp"

#include <map>
#include <string>
#include <vector>

namespace lading::bake {

// Applies every override in order to the targets it matches; problems are reported as
// command-line diagnostics.
void apply_overrides(std::map<std::string, target_fields>& targets, const std::vector<std::string>& overrides,
                     diagnostics& problems);

// buildx's push override: push=true on every image output (a target without outputs gets
// "type=image,push=true"); push=false turns image pushes off and drops registry outputs.
void apply_push(target_fields& fields, bool push);

}  // namespace lading::bake
