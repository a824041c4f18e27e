// A JSON string written the way Go's encoding/json writes it (without its HTML escaping), for
// documents that Go programs read and whose bytes are digested, such as the eStargz TOC.
#pragma once

#include <string>
#include <string_view>

namespace lading::formats {

// Appends s as a quoted JSON string: '"' and '\\' escaped, \n \r \t by name, other control
// bytes as \u00XX. Bytes that are not valid UTF-8 become \ufffd, one per byte, as Go does:
// JSON cannot carry them.
void append_json_string(std::string& out, std::string_view s);

}  // namespace lading::formats
