// The functions a bake template expression may call, from the HCL standard library bake
// offers: equal, notequal, and, or, not, coalesce, contains, length, join, split, replace,
// trimprefix, trimsuffix, lower and upper. Each either does what bake's does or refuses:
// replace with a /regular expression/, and lower, upper or length of text that is not ASCII
// (bake counts and cases by Unicode rules lading does not carry) are errors, not guesses.
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
