// Times in the TOC, written the way Go's time package writes them, since Go programs read
// the TOC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lading::plugins::estargz {

// RFC 3339 in UTC rounded to the second ("2024-01-01T00:00:00Z"); "" when the floored
// second is the Unix epoch, which the TOC treats as no time at all, or outside years
// 0000..9999.
std::string rfc3339_utc(std::int64_t seconds, std::int64_t nanos);

}  // namespace lading::plugins::estargz
