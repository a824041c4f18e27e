// Percent-encoding (RFC 3986) for URL queries, package URLs and file URIs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lading {

// Encodes every byte but the unreserved characters (A-Z a-z 0-9 - . _ ~) and those in `keep`.
std::string percent_encode(std::string_view text, std::string_view keep);

// Decodes %XX escapes; nothing when a '%' is not followed by two hexadecimal digits.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace lading
