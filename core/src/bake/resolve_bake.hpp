// Reads bake files into the targets to export: files merged in order, variables from the
// environment, groups, inherits, matrix, --set and --push. Every problem in every file is
// collected; the result is only meant to be used when there are none.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/bake_target.hpp"
#include "bake/bake_variables.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lading::bake {

// bake's built-in variables as lading defines them: BAKE_LOCAL_PLATFORM, this machine's
// platform (e.g. linux/amd64), and BAKE_CMD_CONTEXT, "cwd://" (the working directory as a
// context or layer path), which is what bake gives it without a remote bake file.
std::map<std::string, std::string> builtin_variables();

// What the files are read for. As bake lists from the files' definitions, a listing reads
// only what it shows: variables only the variables; targets the names, groups and
// descriptions, without interpolating other keys, following inherits or applying --set.
enum class bake_purpose { export_targets, list_targets, list_variables };

struct bake_request {
    std::vector<std::filesystem::path> files;  // as named; empty: lading-bake.json, else docker-bake.json
    std::vector<std::string> names;            // targets and groups; empty: the default
    std::vector<std::string> overrides;        // --set values in the order given
    bool push = false;
    bake_purpose purpose = bake_purpose::export_targets;  // a listing ignores names, overrides and push
    std::map<std::string, std::string> environment;  // what variables are overridden from
    std::map<std::string, std::string> builtins = builtin_variables();
};

struct target_listing {
    std::string name;
    bool group = false;
    std::string description;
};

struct bake_reading {
    resolved_bake resolved;
    std::vector<target_listing> targets;  // list_targets: every target and group, by name
    std::vector<variable_listing> variables;
    diagnostics problems;
    source_texts sources;
};

// Throws usage_error when no file is named and none is found in the current directory.
bake_reading read_bake(const bake_request& request);

// The process environment as a map, for bake_request::environment.
std::map<std::string, std::string> process_environment();

}  // namespace lading::bake
