// The `type` of a bake variable (string, number, bool, list(T), set(T), map(T), any) and how
// a default or an environment value is made to fit it.
#pragma once

#include "bake/positioned_json.hpp"

#include <memory>
#include <optional>
#include <string>

namespace lading::bake {

struct variable_type {
    enum class kind { any, string, number, boolean, list, map };
    kind type = kind::any;
    std::shared_ptr<const variable_type> element;  // list and map: the type of each element

    std::string str() const;
};

// Parses "list(string)" etc.; nullopt when the text names no type lading knows.
std::optional<variable_type> parse_variable_type(const std::string& text);

// The type an untyped variable gets from its default: bool and number defaults make the
// environment value parse as such, anything else is a string.
variable_type type_of_default(const json_node& default_value);

// Converts `value` to `type` in place where that is lossless (a number or bool to a string,
// "12" to a number, "true" to a bool); returns a message when it does not fit.
std::optional<std::string> fit_to_type(json_node& value, const variable_type& type);

// An environment variable's text as a value of `type`: numbers and booleans parsed, lists as
// a JSON array or comma-separated, maps as a JSON object. Nullopt and `error` when it fails.
std::optional<json_node> parse_environment_value(const std::string& text, const variable_type& type,
                                                 std::string& error);

// A NAME_JSON environment variable's text as a value of a typed variable: JSON of any shape,
// converted as fit_to_type converts. A variable of type any takes none (bake wants cty's own
// typed JSON for it).
std::optional<json_node> parse_json_environment_value(const std::string& text, const variable_type& type,
                                                      std::string& error);

}  // namespace lading::bake
