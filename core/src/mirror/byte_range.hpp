// The single `Range: bytes=...` forms a blob endpoint answers (first-last, first-, -suffix),
// checked against the blob's size. Sans-I/O.
#pragma once

#include <cstdint>
#include <string_view>

namespace lading::mirror {

enum class range_outcome {
    whole,          // no Range header, or several ranges: 200 with the whole blob
    partial,        // 206 with first..last
    unsatisfiable,  // 416 with Content-Range: bytes */size
};

struct range_answer {
    range_outcome outcome = range_outcome::whole;
    std::uint64_t first = 0, last = 0;  // inclusive; set for partial
    std::uint64_t length() const { return last - first + 1; }
};

range_answer parse_range(std::string_view header, std::uint64_t size);

}  // namespace lading::mirror
