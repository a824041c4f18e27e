// `--set PATTERN.KEY=VALUE` and `--push` applied to targets whose files are fully read.
// PATTERN is a target's name, a matrix target's name (every target it generates), or else a
// glob over target names; "+=" appends to a list key; a repeated "=" for the same target and
// key collects the values, as bake does.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/target_fields.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace lading::bake {

struct override_names {
    const std::map<std::string, std::vector<std::string>>& matrix_targets;  // matrix target -> its targets
    const std::set<std::string>& groups;  // not matched; only named in the error
};

// Applies every override in order to the targets it matches; problems are reported as
// command-line diagnostics. A pattern that matches no target is an error.
void apply_overrides(std::map<std::string, target_fields>& targets, const override_names& names,
                     const std::vector<std::string>& overrides, diagnostics& problems);

// buildx's push override: push=true on every image output (a target without outputs gets
// "type=image,push=true"); push=false turns image pushes off and drops registry outputs.
void apply_push(target_fields& fields, bool push);

}  // namespace lading::bake
