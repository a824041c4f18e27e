// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded, as JWTs use it).
#pragma once

#include <string>
#include <string_view>

namespace lading::test {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Accepts padded or unpadded input in either alphabet; throws std::invalid_argument on
// anything else.
std::string base64_decode(std::string_view text);

}  // namespace lading::test
