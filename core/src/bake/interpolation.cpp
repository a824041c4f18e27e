#include "bake/interpolation.hpp"

#include "bake/evaluation_budget.hpp"
#include "bake/string_template.hpp"
#include "bake/template_expression.hpp"

#include <algorithm>

namespace lading::bake {

namespace {

int characters_before(const std::string& text, std::size_t byte_offset)
{
    int n = 0;
    for (std::size_t i = 0; i < byte_offset && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

std::size_t json_size(const json_node& value, std::size_t limit)
{
    std::size_t size = value.text.size() + 2;
    for (const auto& item : value.items) {
        if (size > limit) return size;
        size += json_size(item, limit - size);
    }
    for (const auto& m : value.members) {
        if (size > limit) return size;
        size += m.key.size() + 3 + json_size(m.value, limit - size);
    }
    return size;
}

namespace {

class string_interpolator {
public:
    string_interpolator(json_node& node, const name_lookup& lookup, const std::filesystem::path& file,
                        diagnostics& problems)
        : node_(node), lookup_(lookup), file_(file), problems_(problems)
    {
    }

    bool run()
    {
        if (node_.text.find('{') == std::string::npos) return true;
        template_syntax_error error;
        auto parts = parse_template(node_.text, error);
        if (!parts) {
            report(error.offset, error.message);
            return false;
        }
        std::string out;
        if (parts->size() == 1 && parts->front().type == template_part::kind::reference) {
            // Exactly one "${...}": the value keeps its own type.
            bool ok = substitute(parts->front(), true, out, lookup_);
            if (ok && node_.type == json_node::kind::string) node_.text = out;
            return ok;
        }
        if (!evaluate(*parts, lookup_, out)) return false;
        node_.text = std::move(out);
        return true;
    }

private:
    json_node& node_;
    const name_lookup& lookup_;
    const std::filesystem::path& file_;
    diagnostics& problems_;
    bool too_long_ = false;  // reported once; evaluation stops

    source_position part_position(std::size_t byte_offset) const
    {
        auto at = node_.at;
        if (node_.verbatim) at.column += node_.text_column + characters_before(node_.text, byte_offset);
        return at;
    }

    void report(std::size_t byte_offset, std::string message) { problems_.add({file_, part_position(byte_offset)}, std::move(message)); }

    // A value that replaced the string is shown, with all it holds, at the reference that made
    // it: its own positions are those of another place (a variable's default) or of none.
    static void place_at(json_node& value, source_position at)
    {
        value.at = at;
        value.verbatim = false;
        for (auto& item : value.items) place_at(item, at);
        for (auto& member : value.members) {
            member.key_at = at;
            member.key_verbatim = false;
            place_at(member.value, at);
        }
    }

    bool append(std::string& out, const std::string& text, const template_part& part, const std::string& what)
    {
        if (out.size() + text.size() <= max_interpolated_size) {
            out += text;
            return true;
        }
        if (!too_long_) report(part.offset, what + " makes the string longer than " +
                                             std::to_string(max_interpolated_size >> 20) + " MiB");
        too_long_ = true;
        return false;
    }

    bool evaluate(const std::vector<template_part>& parts, const name_lookup& lookup, std::string& out)
    {
        bool ok = true;
        for (const auto& part : parts) {
            if (too_long_) return false;
            switch (part.type) {
            case template_part::kind::text: ok = append(out, part.text, part, "the text") && ok; break;
            case template_part::kind::reference: ok = substitute(part, false, out, lookup) && ok; break;
            case template_part::kind::if_directive: ok = choose(part, lookup, out) && ok; break;
            case template_part::kind::for_directive: ok = repeat(part, lookup, out) && ok; break;
            }
        }
        return ok && !too_long_;
    }

    // The value of the expression `text`, or nullopt with the problem reported at `offset`.
    std::optional<json_node> value_of(const std::string& text, std::size_t offset, const name_lookup& lookup)
    {
        expression_problem problem;
        auto value = evaluate_expression(text, lookup, problem);
        if (!value && !problem.message.empty()) report(offset, problem.message);
        return value;
    }

    bool substitute(const template_part& part, bool whole, std::string& out, const name_lookup& lookup)
    {
        const auto& expression = part.text;
        auto value = value_of(expression, part.offset, lookup);
        if (!value) return false;
        if (whole && !value->is_string()) {
            if (json_size(*value, max_interpolated_size) > max_interpolated_size) {
                report(part.offset, "\"${" + expression + "}\" is longer than " +
                                        std::to_string(max_interpolated_size >> 20) + " MiB as JSON");
                return false;
            }
            auto at = node_.at;
            node_ = *value;
            place_at(node_, at);
            return true;
        }
        auto text = scalar_text(*value);
        if (!text) {
            report(part.offset, "\"" + expression + "\" is " + std::string(kind_name(value->type)) +
                                    " and cannot be part of a longer string");
            return false;
        }
        return append(out, *text, part, "\"${" + expression + "}\"");
    }

    // %{if COND}: COND is a bool, or a string "true" or "false" as HCL converts it.
    bool choose(const template_part& part, const name_lookup& lookup, std::string& out)
    {
        auto condition = value_of(part.text, part.offset, lookup);
        if (!condition) return false;
        auto chosen = as_condition(*condition);
        if (!chosen) {
            report(part.offset, "the condition of %{if " + part.text + "} must be a bool, found " +
                                    std::string(kind_name(condition->type)));
            return false;
        }
        return evaluate_nested(*chosen ? part.body : part.otherwise, lookup, out, part);
    }

    bool evaluate_nested(const std::vector<template_part>& parts, const name_lookup& lookup, std::string& out,
                         const template_part& directive)
    {
        evaluation_level level;
        if (!level.entered()) {
            report(directive.offset, "expressions and directives nest more than " +
                                         std::to_string(max_evaluation_depth) +
                                         " levels deep, counting those of the variables they name");
            too_long_ = true;
            return false;
        }
        return evaluate(parts, lookup, out);
    }

    // %{for V in COLLECTION} over a list (KEY is the index) or an object (KEY is the key, in key order,
    // as HCL iterates a map).
    bool repeat(const template_part& part, const name_lookup& lookup, std::string& out)
    {
        auto collection = value_of(part.text, part.offset, lookup);
        if (!collection) return false;
        if (!collection->is_array() && !collection->is_object()) {
            report(part.offset, "%{for} needs a list or an object; \"" + part.text + "\" is " +
                                    std::string(kind_name(collection->type)));
            return false;
        }
        for (const auto& [key, value] : loop_elements(*collection)) {
            // Nested loops with empty bodies make no text, so the size limit alone would not stop them.
            if (!spend_loop_round()) {
                report(part.offset, loop_rounds_spent());
                too_long_ = true;
                return false;
            }
            name_lookup scoped = [&, &key = key, value = value](const std::string& n) -> std::optional<json_node> {
                if (n == part.value) return *value;
                if (!part.key.empty() && n == part.key) return key;
                return lookup(n);
            };
            if (!evaluate_nested(part.body, scoped, out, part)) return false;
        }
        return true;
    }
};

// An object key interpolated like a string value; a key must end up a string, so a number or
// a bool is written as text.
bool interpolate_key(json_member& member, const name_lookup& lookup, const std::filesystem::path& file,
                     diagnostics& problems)
{
    json_node key;
    key.type = json_node::kind::string;
    key.at = member.key_at;
    key.text = member.key;
    key.verbatim = member.key_verbatim;
    if (!string_interpolator(key, lookup, file, problems).run()) return false;
    auto text = scalar_text(key);
    if (!text || key.type == json_node::kind::null) {
        problems.add({file, member.key_at}, "an object key must be a string; \"" + member.key + "\" is " +
                                                std::string(kind_name(key.type)));
        return false;
    }
    member.key = *text;
    return true;
}

// Keys are interpolated first, so two that become the same are reported at the later one.
bool interpolate_members(json_node& object, const name_lookup& lookup, const std::filesystem::path& file,
                         diagnostics& problems)
{
    bool ok = true;
    for (std::size_t i = 0; i < object.members.size(); ++i) {
        auto& member = object.members[i];
        auto written = member.key;
        if (!interpolate_key(member, lookup, file, problems)) {
            ok = false;
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const auto& earlier = object.members[j];
            if (earlier.key != member.key) continue;
            problems.add({file, member.key_at}, "duplicate key \"" + member.key + "\" (written \"" + written +
                                                    "\"); the same key is at line " +
                                                    std::to_string(earlier.key_at.line) + ", column " +
                                                    std::to_string(earlier.key_at.column));
            ok = false;
            break;
        }
    }
    for (auto& member : object.members) ok = interpolate(member.value, lookup, file, problems) && ok;
    return ok;
}

}  // namespace

std::optional<std::string> scalar_text(const json_node& value)
{
    switch (value.type) {
    case json_node::kind::string:
    case json_node::kind::number: return value.text;
    case json_node::kind::boolean: return value.boolean ? "true" : "false";
    case json_node::kind::null: return "";
    default: return std::nullopt;
    }
}

std::vector<std::pair<json_node, const json_node*>> loop_elements(const json_node& collection)
{
    std::vector<std::pair<json_node, const json_node*>> elements;
    for (std::size_t i = 0; i < collection.items.size(); ++i)
        elements.emplace_back(number_node(std::to_string(i)), &collection.items[i]);
    for (const auto* m : members_by_key(collection)) elements.emplace_back(string_node(m->key), &m->value);
    return elements;
}

bool interpolate(json_node& node, const name_lookup& lookup, const std::filesystem::path& file,
                 diagnostics& problems)
{
    evaluation_scope budget;
    bool ok = true;
    switch (node.type) {
    case json_node::kind::string: return string_interpolator(node, lookup, file, problems).run();
    case json_node::kind::array:
        for (auto& item : node.items) ok = interpolate(item, lookup, file, problems) && ok;
        return ok;
    case json_node::kind::object: return interpolate_members(node, lookup, file, problems);
    default: return true;
    }
}

}  // namespace lading::bake
