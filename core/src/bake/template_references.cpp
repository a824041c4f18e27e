#include "bake/template_references.hpp"

#include "bake/hcl_identifier.hpp"
#include "bake/string_template.hpp"

#include <string_view>

namespace lading::bake {

namespace {

class reference_scanner {
public:
    template_references found;

    void scan_template(std::string_view text, int depth)
    {
        // Strings inside expressions nest templates; parse_template bounds that nesting.
        if (depth > 100) return;
        template_syntax_error error;
        auto parts = parse_template(text, error);
        if (parts) scan_parts(*parts, depth);
    }

private:
    std::set<std::string> bound_;  // loop names, for the whole value (never a false alarm)

    void scan_parts(const std::vector<template_part>& parts, int depth)
    {
        for (const auto& part : parts) {
            if (part.type == template_part::kind::text) continue;
            if (part.type == template_part::kind::for_directive) {
                if (!part.key.empty()) bound_.insert(part.key);
                bound_.insert(part.value);
            }
            scan_expression(part.text, depth);
            scan_parts(part.body, depth);
            scan_parts(part.otherwise, depth);
        }
    }

    void scan_expression(std::string_view e, int depth)
    {
        char previous = ' ';  // the last character that is not a space
        bool binding = false;  // between "for" and "in": the names a loop binds
        for (std::size_t i = 0; i < e.size();) {
            const char c = e[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++i;
                continue;
            }
            if (c == '"') {
                i = scan_string(e, i, depth);
                previous = '"';
                continue;
            }
            if (is_decimal_digit(c)) {
                while (i < e.size() && (is_identifier_character(e[i]) || e[i] == '.') && !e.substr(i).starts_with("..."))
                    ++i;
                previous = '0';
                continue;
            }
            if (!is_identifier_start(c)) {
                previous = c;
                ++i;
                continue;
            }
            const auto start = i;
            while (i < e.size() && is_identifier_character(e[i])) ++i;
            const std::string word(e.substr(start, i - start));
            auto next = i;
            while (next < e.size() && (e[next] == ' ' || e[next] == '\t' || e[next] == '\n' || e[next] == '\r')) ++next;
            const bool attribute = previous == '.';
            previous = 'a';
            if (attribute) continue;
            if (next < e.size() && e[next] == '(') {
                found.calls.insert(word);
            } else if (word == "for") {
                binding = true;
            } else if (word == "in" && binding) {
                binding = false;
            } else if (binding) {
                bound_.insert(word);
            } else if (word != "true" && word != "false" && word != "null" && word != "if" && word != "in") {
                found.names.insert(word);
            }
        }
    }

    // The string literal whose quote is at `open`, read as a template; returns the index past it.
    std::size_t scan_string(std::string_view e, std::size_t open, int depth)
    {
        std::string content;
        std::size_t i = open + 1;
        for (; i < e.size() && e[i] != '"'; ++i) {
            if (e[i] == '\\' && i + 1 < e.size()) {
                content += e[i];
                content += e[++i];
                continue;
            }
            if ((e[i] == '$' || e[i] == '%') && i + 1 < e.size() && e[i + 1] == '{') {
                const auto end = tag_end(e, i);
                if (end == std::string_view::npos) return e.size();
                content.append(e.substr(i, end - i + 1));
                i = end;
                continue;
            }
            content += e[i];
        }
        scan_template(content, depth + 1);
        return i + 1;
    }

public:
    void drop_bound_names()
    {
        for (const auto& b : bound_) found.names.erase(b);
    }
};

void scan_node(const json_node& value, reference_scanner& scanner)
{
    if (value.is_string()) scanner.scan_template(value.text, 0);
    for (const auto& item : value.items) scan_node(item, scanner);
    for (const auto& member : value.members) {
        scanner.scan_template(member.key, 0);
        scan_node(member.value, scanner);
    }
}

}  // namespace

template_references references_in(const json_node& value)
{
    reference_scanner scanner;
    scan_node(value, scanner);
    scanner.drop_bound_names();
    return scanner.found;
}

}  // namespace lading::bake
