// The expression inside a bake template's "${...}" or "%{if ...}", as HCL reads it: names
// (NAME, AXIS.KEY), string, number, bool, null and list ([A, B]) literals, [for ...] lists,
// parentheses, !, ==, !=, <, <=, >, >=, &&, || and COND ? A : B, and calls of the functions of
// bake/template_functions.hpp. A string literal with tags is a template, made as bake strings
// are (bake/interpolation.hpp). `==` compares type and value, as HCL does ("1" is not 1); a
// string "true" or "false" serves where a bool is needed, and a string that is a number where
// a number is.
#pragma once

#include "bake/interpolation.hpp"
#include "bake/positioned_json.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lading::bake {

struct expression_problem {
    std::string message;  // empty: already reported (a lookup_refusal without a message)
};

// The value of `text`, or nullopt with `problem` set.
std::optional<json_node> evaluate_expression(std::string_view text, const name_lookup& lookup,
                                             expression_problem& problem);

// Whether two values are equal as HCL's == judges: the same type and the same value (numbers
// by value, lists in order, objects by their keys).
bool same_value(const json_node& a, const json_node& b);

// A bool, or a string "true", "false", "1" or "0" (which HCL converts), where a bool is
// needed; nullopt for anything else.
std::optional<bool> as_condition(const json_node& value);

}  // namespace lading::bake
