// A bake string read as an HCL template: literal text, "${EXPRESSION}" interpolations and the
// "%{if CONDITION}...%{else}...%{endif}" and "%{for X in COLLECTION}...%{endfor}" directives
// ("%{for K, V in COLLECTION}" for keys too). "$${" and "%%{" write "${" and "%{". A "~" just
// inside a tag ("${~ NAME}", "%{ endif ~}") removes the whitespace next to it, newlines included.
// Expressions (bake/template_expression.hpp) are read when the template is evaluated, not here;
// a tag ends at the first '}' outside their string literals (which may hold tags in turn).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading::bake {

struct template_part {
    enum class kind { text, reference, if_directive, for_directive };
    kind type = kind::text;
    std::size_t offset = 0;  // of the part's first byte in the string
    std::string text;        // text: the literal; reference, if: the expression; for: the collection
    std::string key, value;  // for: the loop's names ("for VALUE in" leaves key empty)
    std::vector<template_part> body, otherwise;  // if: then and else; for: the body
};

struct template_syntax_error {
    std::size_t offset = 0;
    std::string message;
};

// Where the tag whose "${" or "%{" is at `open` ends: its first '}' outside the string literals
// of its expression, which may hold tags in turn (nested at most 100 deep); npos when none does.
std::size_t tag_end(std::string_view text, std::size_t open);

// The parts of `text`, or nullopt with `error` set.
std::optional<std::vector<template_part>> parse_template(std::string_view text, template_syntax_error& error);

}  // namespace lading::bake
