// What lading lets into the headers it sends: the registry client's requests and the mirror's
// answers. Values that come from registries or from stored bytes (a manifest's mediaType, a
// tag name) are checked, since a CR or LF in a header would let whoever wrote them add
// headers, or a whole request or response of their own.
#pragma once

#include <string_view>

namespace lading::registry {

// type "/" subtype, each 1–127 of RFC 6838's restricted-name characters; no parameters.
bool is_media_type(std::string_view text);

// No control character but HTAB (no CR, LF or NUL).
bool is_safe_header_value(std::string_view text);

}  // namespace lading::registry
