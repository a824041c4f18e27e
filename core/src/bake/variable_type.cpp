#include "bake/variable_type.hpp"

#include <array>

namespace lading::bake {

namespace {

bool is_json_number(const std::string& text)
{
    json_syntax_error ignored;
    auto parsed = parse_positioned_json(text, ignored);
    return parsed && parsed->type == json_node::kind::number;
}

std::optional<bool> parse_bool_text(const std::string& text)
{
    for (auto t : {"1", "t", "T", "TRUE", "true", "True"})
        if (text == t) return true;
    for (auto f : {"0", "f", "F", "FALSE", "false", "False"})
        if (text == f) return false;
    return std::nullopt;
}

std::optional<json_node> parse_json_text(const std::string& text, std::string& error)
{
    json_syntax_error syntax;
    auto parsed = parse_positioned_json(text, syntax);
    if (!parsed) error = "\"" + text + "\" is not valid JSON: " + syntax.message;
    return parsed;
}

}  // namespace

std::string variable_type::str() const
{
    switch (type) {
    case kind::any: return "any";
    case kind::string: return "string";
    case kind::number: return "number";
    case kind::boolean: return "bool";
    case kind::list: return "list(" + element->str() + ")";
    case kind::map: return "map(" + element->str() + ")";
    }
    return "any";
}

std::optional<variable_type> parse_variable_type(const std::string& text)
{
    if (text == "string") return variable_type{variable_type::kind::string, nullptr};
    if (text == "number") return variable_type{variable_type::kind::number, nullptr};
    if (text == "bool") return variable_type{variable_type::kind::boolean, nullptr};
    if (text == "any") return variable_type{};
    for (auto [prefix, kind] : std::array{std::pair{"list(", variable_type::kind::list},
                                          std::pair{"set(", variable_type::kind::list},
                                          std::pair{"map(", variable_type::kind::map}}) {
        std::string p = prefix;
        if (!text.starts_with(p) || !text.ends_with(")")) continue;
        auto inner = parse_variable_type(text.substr(p.size(), text.size() - p.size() - 1));
        if (!inner) return std::nullopt;
        return variable_type{kind, std::make_shared<const variable_type>(*inner)};
    }
    if (text == "list" || text == "set") return variable_type{variable_type::kind::list, std::make_shared<const variable_type>()};
    if (text == "map") return variable_type{variable_type::kind::map, std::make_shared<const variable_type>()};
    return std::nullopt;
}

variable_type type_of_default(const json_node& default_value)
{
    if (default_value.type == json_node::kind::boolean) return {variable_type::kind::boolean, nullptr};
    if (default_value.type == json_node::kind::number) return {variable_type::kind::number, nullptr};
    if (default_value.is_array()) return {variable_type::kind::list, std::make_shared<const variable_type>()};
    if (default_value.is_object()) return {variable_type::kind::map, std::make_shared<const variable_type>()};
    return {variable_type::kind::string, nullptr};
}

std::optional<std::string> fit_to_type(json_node& value, const variable_type& type)
{
    auto mismatch = [&] { return "expected " + type.str() + ", found " + std::string(kind_name(value.type)); };
    switch (type.type) {
    case variable_type::kind::any: return std::nullopt;
    case variable_type::kind::string:
        if (value.type == json_node::kind::number || value.type == json_node::kind::boolean) {
            value.text = value.type == json_node::kind::number ? value.text : (value.boolean ? "true" : "false");
            value.type = json_node::kind::string;
        }
        return value.is_string() ? std::nullopt : std::optional(mismatch());
    case variable_type::kind::number:
        if (value.is_string() && is_json_number(value.text)) value.type = json_node::kind::number;
        return value.type == json_node::kind::number ? std::nullopt : std::optional(mismatch());
    case variable_type::kind::boolean:
        if (value.is_string() && (value.text == "true" || value.text == "false")) {
            value.boolean = value.text == "true";
            value.type = json_node::kind::boolean;
        }
        return value.type == json_node::kind::boolean ? std::nullopt : std::optional(mismatch());
    case variable_type::kind::list:
        if (!value.is_array()) return mismatch();
        for (auto& item : value.items)
            if (auto e = fit_to_type(item, *type.element)) return "in the list: " + *e;
        return std::nullopt;
    case variable_type::kind::map:
        if (!value.is_object()) return mismatch();
        for (auto& m : value.members)
            if (auto e = fit_to_type(m.value, *type.element)) return "in \"" + m.key + "\": " + *e;
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<json_node> parse_environment_value(const std::string& text, const variable_type& type,
                                                 std::string& error)
{
    json_node value;
    switch (type.type) {
    case variable_type::kind::any:
    case variable_type::kind::string: return string_node(text);
    case variable_type::kind::number:
        if (!is_json_number(text)) {
            error = "\"" + text + "\" is not a number";
            return std::nullopt;
        }
        value.type = json_node::kind::number;
        value.text = text;
        return value;
    case variable_type::kind::boolean: {
        auto b = parse_bool_text(text);
        if (!b) {
            error = "\"" + text + "\" is not a bool (true or false)";
            return std::nullopt;
        }
        value.type = json_node::kind::boolean;
        value.boolean = *b;
        return value;
    }
    case variable_type::kind::list:
    case variable_type::kind::map: break;
    }
    bool json_text = text.starts_with(type.type == variable_type::kind::list ? "[" : "{");
    if (json_text) {
        auto parsed = parse_json_text(text, error);
        if (!parsed) return std::nullopt;
        value = *parsed;
    } else if (type.type == variable_type::kind::list) {
        value.type = json_node::kind::array;
        for (std::size_t start = 0; !text.empty();) {
            auto comma = text.find(',', start);
            value.items.push_back(string_node(text.substr(start, comma == std::string::npos ? comma : comma - start)));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    } else {
        error = "\"" + text + "\" is not a JSON object";
        return std::nullopt;
    }
    if (auto e = fit_to_type(value, type)) {
        error = "\"" + text + "\": " + *e;
        return std::nullopt;
    }
    return value;
}

std::optional<json_node> parse_json_environment_value(const std::string& text, const variable_type& type,
                                                      std::string& error)
{
    if (type.type == variable_type::kind::any) {
        error = "a variable of type any takes no JSON value from the environment";
        return std::nullopt;
    }
    auto value = parse_json_text(text, error);
    if (!value) return std::nullopt;
    if (auto e = fit_to_type(*value, type)) {
        error = "\"" + text + "\": " + *e;
        return std::nullopt;
    }
    return value;
}

}  // namespace lading::bake
