// The functions a bake template expression may call: 55 of the functions bake offers (HCL's
// standard library, go-cty's, and buildx's own: sanitize, basename, dirname, indexof,
// formattimestamp, homedir, timestamp and the encodings), listed in the README. Each does what
// bake's does or refuses: what would need Unicode tables (casing, counting or reversing
// non-ASCII text), regular expressions, fractions, or format flags is an error, not a guess.
#pragma once

#include "bake/positioned_json.hpp"

#include <string>
#include <vector>

namespace lading::bake {

struct template_function_error {
    std::string message;
};

bool is_template_function(const std::string& name);

// Whether bake has a built-in function of this name, one lading offers or not (format,
// concat, merge...). In bake a built-in takes the place of a "function" block of its name.
bool is_bake_builtin_function(const std::string& name);

// The value of `name(args...)`; throws template_function_error for an unknown function,
// the wrong number of arguments or an argument of the wrong type.
json_node call_template_function(const std::string& name, const std::vector<json_node>& args);

}  // namespace lading::bake
