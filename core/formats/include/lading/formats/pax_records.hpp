// PAX extended header records: "<length> <key>=<value>\n", where <length> counts the whole
// record, its own digits included.
#pragma once

#include <lading/formats/format_error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lading::formats::pax {

struct record {
    std::string_view key, value;  // views into the parsed body
};

// The records of an extended header body, in order. Throws format_error on a record whose
// length is not a decimal number, runs past the body, or does not end in '\n', and on a
// record without "key=". (A NUL in a key is the caller's to refuse.) Lengths are checked against what is left
// of the body, so no length can wrap around.
std::vector<record> parse_records(std::string_view body);

// One record, its length computed.
std::string encode_record(std::string_view key, std::string_view value);

// A non-negative decimal number as PAX writes sizes and ids; nullopt otherwise.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// A PAX time "[-]seconds[.fraction]" as seconds (floored) and nanoseconds in [0, 1e9).
struct time_value {
    std::int64_t seconds = 0;
    std::uint32_t nanoseconds = 0;
};
std::optional<time_value> parse_time(std::string_view text);

}  // namespace lading::formats::pax
