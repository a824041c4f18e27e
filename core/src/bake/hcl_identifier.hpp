// The characters of HCL identifiers, which name bake's variables, targets, matrix axes and
// template loop variables: a letter or '_' first, then letters, digits, '_' and '-'.
#pragma once

#include <string_view>

namespace lading::bake {

constexpr bool is_identifier_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
constexpr bool is_decimal_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_identifier_character(char c) { return is_identifier_start(c) || is_decimal_digit(c) || c == '-'; }

constexpr bool is_identifier(std::string_view s)
{
    if (s.empty() || !is_identifier_start(s.front())) return false;
    for (char c : s)
        if (!is_identifier_character(c)) return false;
    return true;
}

}  // namespace lading::bake
