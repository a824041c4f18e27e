// Checking that bytes are well-formed UTF-8 (RFC 3629): no stray continuation bytes, no
// truncated or overlong sequences, no surrogates, nothing past U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace lading::text {

// The offset of the first byte that does not belong to a well-formed UTF-8 character, or
// nullopt when every byte does.
std::optional<std::size_t> first_invalid_utf8(std::string_view bytes);

}  // namespace lading::text
