// The `variable` blocks (and an HCL file's global attributes) of all bake files and their
// values: an environment variable of the same name (or NAME_JSON, JSON text) wins over the
// default and is converted to the variable's type; defaults may name other variables. Built-in variables (bake's BAKE_CMD_CONTEXT and BAKE_LOCAL_PLATFORM)
// need no block and, as in bake, neither a block nor the environment changes them.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/interpolation.hpp"
#include "bake/positioned_json.hpp"
#include "bake/variable_type.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading::bake {

struct variable_listing {
    std::string name;
    std::string type;
    std::string value;  // scalars as text, lists and objects as compact JSON
    std::string description;
};

class bake_variables {
public:
    // Reads one file's "variable" object; a later block of a name (in this file or a later
    // one) replaces the earlier block whole, as in bake.
    void read_block(const json_node& block, const std::filesystem::path& file, diagnostics& problems);
    // An HCL file's NAME = VALUE outside blocks, as bake takes it: VALUE is the variable's value
    // whatever its block's default, type or the environment (which overrides a name only when
    // a variable block declares it); a later file's attribute replaces an earlier one's.
    void read_global_attribute(const json_member& attribute, const std::filesystem::path& file);

    // Computes every value once all files are read; `builtins` are string variables.
    void resolve(const std::map<std::string, std::string>& environment,
                 const std::map<std::string, std::string>& builtins, diagnostics& problems);

    // For interpolation: a variable's value, or nullopt when none is declared. While resolve()
    // runs, a variable not resolved yet is resolved first (defaults, and the "function" blocks
    // they call, read other variables).
    name_lookup lookup();
    // Whether a block or a global attribute declares `name` (built-ins count once resolved).
    bool declares(const std::string& name) const { return variables_.contains(name); }
    // The declared variables; built-ins are not listed, as in bake.
    std::vector<variable_listing> listing() const;

private:
    struct declared {
        origin where;  // the variable's name in the last file that declared it
        std::optional<json_node> default_value;
        std::filesystem::path default_file;
        std::optional<json_node> attribute_value;  // a global attribute of this name
        std::filesystem::path attribute_file;
        bool has_block = false;
        std::optional<variable_type> type;
        std::string description;
        enum class state { pending, resolving, done } progress = state::pending;
        json_node value;
        bool builtin = false;
    };

    struct environment_text {
        std::string variable;  // NAME or NAME_JSON
        std::string text;
        bool json = false;     // from NAME_JSON
    };

    const json_node& value_of(const std::string& name);
    std::optional<environment_text> environment_value(const std::string& name, bool typed) const;

    std::map<std::string, declared> variables_;
    const std::map<std::string, std::string>* environment_ = nullptr;
    diagnostics* problems_ = nullptr;
    std::vector<std::string> chain_;  // the variables being resolved, each reading the next
    bool reported_depth_ = false;  // once: every variable past the limit would repeat it
};

// Compact JSON text of a value (for listings).
std::string compact_json(const json_node& value);

}  // namespace lading::bake
