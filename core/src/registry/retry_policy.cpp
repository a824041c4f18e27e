#include <lading/error.hpp>
#include "registry/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <string>

namespace lading::registry {

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now)
{
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    long long secs = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec == std::errc() && end == value.data() + value.size()) return std::chrono::seconds(std::max(0LL, secs));
    std::tm tm{};
    std::string text(value);
    if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
    // In seconds: a date centuries ahead overflows the clock's nanoseconds.
    const auto when = std::chrono::seconds(timegm(&tm));
    return std::max(when - std::chrono::ceil<std::chrono::seconds>(now.time_since_epoch()), std::chrono::seconds{0});
}

std::chrono::milliseconds retry_policy::delay(int attempt, std::optional<std::string_view> retry_after) const
{
    if (retry_after)
        if (auto s = parse_retry_after(*retry_after, std::chrono::system_clock::now())) {
            // Capped while still in seconds: a huge Retry-After overflows as milliseconds.
            if (*s > std::chrono::duration_cast<std::chrono::seconds>(max_delay)) return max_delay;
            return std::min<std::chrono::milliseconds>(*s, max_delay);
        }
    auto d = first_delay * (1LL << std::min(attempt - 1, 16));
    return std::min<std::chrono::milliseconds>(d, max_delay);
}

std::chrono::milliseconds retry_policy::total_backoff() const
{
    std::chrono::milliseconds total{0};
    for (int attempt = 1; attempt < max_attempts; ++attempt) total += delay(attempt);
    return total;
}

retry_policy retry_policy::from_environment()
{
    retry_policy p;
    const char* text = std::getenv("LADING_REGISTRY_RETRY_DELAY_MS");
    if (!text || !*text) return p;
    std::string_view v(text);
    long long ms = -1;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
    if (ec != std::errc() || end != v.data() + v.size() || ms < 0 || ms > p.max_delay.count())
        throw error("LADING_REGISTRY_RETRY_DELAY_MS must be a whole number of milliseconds from 0 to " +
                    std::to_string(p.max_delay.count()) + ", not \"" + std::string(v) + "\"");
    p.first_delay = std::chrono::milliseconds(ms);
    return p;
}

}  // namespace lading::registry
