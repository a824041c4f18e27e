// bake's "function" blocks: functions a bake file defines for its own expressions, as buildx
// reads them (HCL's user function extension, with buildx's name variadic_params):
//
//   function "tag" {
//     params          = [name]       # in a JSON file: "params": ["name"]
//     variadic_params = more         # optional: the arguments past params, as a list
//     result          = "${REPO}/${name}:${TAG}"
//   }
//
// A call `tag("app")` evaluates `result` with the parameters standing for the arguments, in
// front of the files' variables; the caller's own names (loop variables, matrix axes,
// target.NAME.KEY) are not seen, as in bake. Functions call each other but never themselves,
// directly or through others. A function cannot take the name of one of bake's built-in
// functions, which would take its place in bake.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/bake_file_text.hpp"
#include "bake/interpolation.hpp"
#include "bake/positioned_json.hpp"
#include "bake/template_references.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lading::bake {

struct user_function_error {
    std::string message;
};

class user_functions {
public:
    // Reads one file's "function" object. A later file's function replaces an earlier one's
    // of the same name. In an HCL file parameters are bare names; in a JSON file, strings.
    void read_block(const json_node& block, const std::filesystem::path& file, bake_syntax syntax,
                    diagnostics& problems);
    // What results read besides their parameters: the files' variables.
    void set_globals(name_lookup globals) { globals_ = std::move(globals); }
    // Checks every function as bake does before anything calls it: each name its result reads
    // is a parameter, a loop's name or a variable (`is_variable`), each function it calls
    // exists, and no function calls itself, directly or through others.
    void check(const std::function<bool(const std::string&)>& is_variable, diagnostics& problems) const;

    bool defines(const std::string& name) const { return functions_.contains(name); }
    // The value of `name(args...)`. Throws user_function_error for the wrong number of
    // arguments, a null argument, a cycle or a problem in the result; lookup_refusal for a
    // problem reported already (a variable the result reads).
    json_node call(const std::string& name, const std::vector<json_node>& args);

private:
    struct definition {
        std::vector<std::string> params;
        std::optional<std::string> variadic_params;
        json_node result;
        template_references references;  // of the result: read once, for the checks
        std::filesystem::path file;
        source_position at;  // the block's name
    };

    // Reports the cycles among the functions `name` calls, each once (at its first function).
    void check_cycles(const std::string& name, std::vector<std::string>& path, std::set<std::string>& done,
                      diagnostics& problems) const;

    std::optional<std::string> parameter_name(const json_node& node, bake_syntax syntax) const;
    std::optional<definition> read_definition(const json_member& block, const std::filesystem::path& file,
                                              bake_syntax syntax, diagnostics& problems) const;
    name_lookup with_arguments(const definition& f, const std::vector<json_node>& args) const;

    std::map<std::string, definition> functions_;
    name_lookup globals_;
    std::vector<std::string> calling_;  // the calls under way, outermost first
};

// Makes `functions` what template expressions on this thread call, for as long as it lives.
class user_function_scope {
public:
    explicit user_function_scope(user_functions& functions);
    ~user_function_scope();
    user_function_scope(const user_function_scope&) = delete;
    user_function_scope& operator=(const user_function_scope&) = delete;

private:
    user_functions* previous_;
};

// The functions of this thread's innermost scope; nullptr outside any.
user_functions* active_user_functions();

}  // namespace lading::bake
