// `--set PATTERN.KEY=VALUE` and `--push` applied to targets whose files are fully read.
// PATTERN is a target's name, a matrix target's name (every target it generates), or else a
// glob over target names; "+=" appends to a list key; a repeated "=" for the same target and
// key collects the values, as bake does.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/target_fields.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lading::bake {

struct override_names {
    const std::map<std::string, std::vector<std::string>>& matrix_targets;  // matrix target -> its targets
    const std::set<std::string>& groups;  // not matched; only named in the error
};

// One --set as it applies to one target.
struct target_override {
    std::size_t order = 0;  // its place among the command line's overrides
    std::string key;
    target_fields value;       // the key's value, as a file would give it
    bool replace = true;       // false: adds to what the target has
    std::optional<bool> push;  // the "push" key
};
using override_plan = std::map<std::string, std::vector<target_override>>;  // by target name

// The overrides that reach each target, in order; problems are reported as command-line
// diagnostics. A pattern that matches no target is an error.
override_plan plan_overrides(const std::set<std::string>& targets, const override_names& names,
                             const std::vector<std::string>& overrides, diagnostics& problems);

// Applies a target's overrides. As in bake, they apply once the target's parents are merged
// into it, so a child takes its parents' overrides with their fields, then its own.
void apply_overrides(target_fields& fields, const std::vector<target_override>& overrides);

// buildx's push override: push=true on every image output (a target without outputs gets
// "type=image,push=true"); push=false turns image pushes off and drops registry outputs.
void apply_push(target_fields& fields, bool push);

}  // namespace lading::bake
