// One target's keys as read from one definition (or built up by merging definitions and
// parents): every key lading accepts, its type check, and how two definitions combine.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/bake_target.hpp"
#include "bake/positioned_json.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading::bake {

struct named_reference {
    std::string name;
    origin where;
};

struct target_fields {
    origin where;  // the target's name in the last definition read
    std::optional<std::vector<named_reference>> inherits;
    std::optional<std::string> description, from, workdir, user, source_date_epoch;
    std::optional<std::filesystem::path> context;
    std::vector<std::string> layers, annotations, attest;  // a later definition adds to these
    std::optional<std::vector<std::string>> platforms, tags, outputs, entrypoint, cmd;  // a later one replaces
    std::map<std::string, std::string> labels, env;  // merged key by key
    std::optional<std::vector<std::string>> file_platforms;  // `platforms` as files and parents give them, before --set
    // By key ("output" for push): the --set overrides (their order on the command line)
    // that the key's value already holds. A glob reaches a parent and the targets that
    // inherit it; a child that takes the parent's value takes its overrides with it, once.
    std::map<std::string, std::set<std::size_t>> overridden;
};

// `over` on top of `base`, as bake merges a later file's definition or a child onto its parent.
void merge_fields(target_fields& base, const target_fields& over);

// The keys a target may have in a file ("inherits", "matrix" and "name" included).
const std::vector<std::string_view>& target_keys();
// Dockerfile build keys bake knows and lading refuses.
bool is_build_key(std::string_view key);
std::string build_key_message(std::string_view key);

// Checks `value` for `key` and stores it in `fields`; relative paths are made absolute
// against `base_dir`. Problems go to `problems`; returns false when there were any.
// "matrix" and "name" are not fields and are not handled here.
bool assign_field(target_fields& fields, const std::string& key, const json_node& value,
                  const std::filesystem::path& base_dir, const std::filesystem::path& file, diagnostics& problems);

// The hand-over form of fully merged fields.
target to_target(const std::string& name, const target_fields& fields);

}  // namespace lading::bake
