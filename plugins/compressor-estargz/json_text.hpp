// The few encodings the TOC JSON needs, each written the way Go's encoding/json and time
// packages write them, since Go programs read the TOC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lading::plugins::estargz {

// Appends s as a quoted JSON string. Bytes that are not valid UTF-8 become U+FFFD, one per
// byte, as Go does: JSON cannot carry them.
void append_json_string(std::string& out, std::string_view s);

// Standard alphabet with '=' padding (how Go encodes []byte).
std::string base64(std::string_view bytes);

// RFC 3339 in UTC rounded to the second ("2024-01-01T00:00:00Z"); "" when the floored
// second is the Unix epoch, which the TOC treats as no time at all, or outside years
// 0000..9999.
std::string rfc3339_utc(std::int64_t seconds, std::int64_t nanos);

}  // namespace lading::plugins::estargz
