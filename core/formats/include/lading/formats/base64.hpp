// Base64 (RFC 4648): the standard alphabet with '=' padding (§4), as HTTP Basic credentials,
// Docker's config.json and Go's encoding of []byte write it, and the URL-safe alphabet without
// padding (§5), as JSON Web Tokens write it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lading::formats {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);

// Padding is optional. nullopt when a character is outside the alphabet (padding anywhere
// but at the end included) or the length cannot be that of an encoding.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace lading::formats
