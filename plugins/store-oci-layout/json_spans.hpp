// Where values sit in the text of a JSON document, so that index.json can be rewritten
// keeping the bytes of every entry lading does not replace exactly as another tool wrote
// them (a parse and serialize round trip would reformat numbers, escapes and duplicates).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace oci_layout {

struct text_span {
    std::size_t begin = 0, end = 0;  // [begin, end) in the document's text
};

// The value of the top-level member `key` of the object `text` is; the last one when the
// key repeats, as boost::json keeps it. `text` must already have parsed as a JSON object.
std::optional<text_span> top_level_member(std::string_view text, std::string_view key);

// The elements of the array at `array` in `text`, in order.
std::vector<text_span> array_elements(std::string_view text, text_span array);

}  // namespace oci_layout
