// Bake strings as HCL templates (string_template.hpp): "${EXPRESSION}" (template_expression.hpp),
// whose names are variables or, inside a matrix target, axes (an axis whose values are objects
// is read as "${AXIS.KEY}"), and the %{if} and %{for} directives. "$${" writes a literal "${".
// A string that is exactly one "${EXPRESSION}" takes the value's own type, so a list variable
// can fill a list.
#pragma once

#include "bake/bake_diagnostics.hpp"
#include "bake/positioned_json.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lading::bake {

// The longest string interpolation makes, and the largest list or object a "${NAME}" stands
// for as JSON text (1 MiB): references that double a value at every level would otherwise
// exhaust memory from a few lines.
constexpr std::size_t max_interpolated_size = 1u << 20;

// How deep references may nest (variables naming variables, ${target.NAME.KEY}, inherits,
// groups of groups), as the JSON reader limits nesting: deeper is an error, not a stack overflow.
constexpr std::size_t max_reference_depth = 100;

// The value a name stands for, or nullopt when nothing of that name is declared.
// A lookup that knows the name but cannot give its value throws lookup_refusal.
using name_lookup = std::function<std::optional<json_node>(const std::string& name)>;

// Its message is reported at the reference; an empty one means the problem was already reported.
struct lookup_refusal {
    std::string message;
};

// Interpolates every string inside `node`, object keys included (two keys that become the
// same are an error, and so is a value larger than max_interpolated_size). Problems are
// added to `problems` at the position of the reference; returns false when there were any.
bool interpolate(json_node& node, const name_lookup& lookup, const std::filesystem::path& file,
                 diagnostics& problems);

// What a for loop (%{for} or [for]) goes over: a list's elements with their indexes, or an
// object's values with their keys, in key order as HCL iterates them; nothing for any other
// value. The values point into `collection`.
std::vector<std::pair<json_node, const json_node*>> loop_elements(const json_node& collection);

// About the length of `value` as compact JSON, counted up to a little past `limit`.
std::size_t json_size(const json_node& value, std::size_t limit);

// A scalar's text as interpolation writes it: strings as they are, numbers as written,
// booleans as true/false, null as "". Nullopt for lists and objects.
std::optional<std::string> scalar_text(const json_node& value);

}  // namespace lading::bake
