#include "rfc3339.hpp"

#include <chrono>
#include <cstdio>

namespace lading::plugins::estargz {

std::string rfc3339_utc(std::int64_t seconds, std::int64_t nanos)
{
    using namespace std::chrono;
    // Years 0000..9999 only: RFC 3339 has no others, and readers would reject them.
    constexpr std::int64_t first = -62'167'219'200, last = 253'402'300'799;
    if (seconds == 0 || seconds < first || seconds >= last) return {};
    if (nanos >= 500'000'000) ++seconds;  // Go rounds halfway values up
    sys_seconds t{std::chrono::seconds(seconds)};
    sys_days day = floor<days>(t);
    year_month_day date{day};
    hh_mm_ss<std::chrono::seconds> clock{t - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    std::string out = buf;
    std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lldZ", static_cast<long long>(clock.hours().count()),
                  static_cast<long long>(clock.minutes().count()), static_cast<long long>(clock.seconds().count()));
    return out + buf;
}

}  // namespace lading::plugins::estargz
