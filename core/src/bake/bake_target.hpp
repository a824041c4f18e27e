// One bake target after everything in the files has been applied: variables interpolated,
// `inherits` and `matrix` expanded, `--set` overrides and `--push` applied, and paths made
// absolute (relative paths are relative to the file that named them). This is the hand-over
// between reading bake files (resolve_bake) and running them (run_bake).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading::bake {

struct target {
    std::string name;
    std::optional<std::string> description;
    std::optional<std::filesystem::path> context;  // a directory: the first layer
    std::vector<std::string> layers;     // "[PLATFORM=]PATH", PATH absolute, after the context
    std::vector<std::string> platforms;  // "os/arch[/variant]"
    std::vector<std::string> file_platforms;  // as the files gave them, before --set
    std::vector<std::string> tags;       // the name of every image/registry output without one
    std::vector<std::string> outputs;    // buildx --output syntax, one record each
    std::vector<std::string> annotations;  // as --output annotation keys: "[TYPE[PLATFORM].]K=V"
    std::vector<std::string> attest;     // buildx --attest syntax
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> env;
    std::optional<std::string> from;
    std::optional<std::vector<std::string>> entrypoint;
    std::optional<std::vector<std::string>> cmd;
    std::optional<std::string> workdir;
    std::optional<std::string> user;
    std::optional<std::string> source_date_epoch;  // decimal seconds, as given
};

// What `lading bake --print` shows and what running needs: the groups as written (after
// variables) and every target reachable from the requested names, in a stable order.
struct resolved_bake {
    std::map<std::string, std::vector<std::string>> groups;
    std::vector<target> targets;  // sorted by name, each once
};

}  // namespace lading::bake
