// Checking that bytes are well-formed UTF-8 (RFC 3629): no stray continuation bytes, no
// truncated or overlong sequences, no surrogates, nothing past U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading::text {

// The offset of the first byte that does not belong to a well-formed UTF-8 character, or
// nullopt when every byte does.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

// Throws usage_error when `value` is not well-formed UTF-8: "WHAT is not valid UTF-8 (at byte
// N); DESTINATION, which must be UTF-8", `destination` saying which JSON it was meant for
// ("an index is JSON").
void require_utf8(std::string_view value, const std::string& what, std::string_view destination);

// Whether `cp` is a Unicode scalar value: at most U+10FFFF and not a surrogate.
constexpr bool is_unicode_scalar(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

// Appends the UTF-8 form of code point `cp` (a Unicode scalar value).
void append_utf8(std::string& out, char32_t cp);

// The characters of well-formed UTF-8 text, each as its bytes.
std::vector<std::string_view> utf8_characters(std::string_view text);

}  // namespace lading::text
