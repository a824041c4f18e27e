// When and how long to wait before another attempt at a registry request.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace lading::registry {

struct retry_policy {
    int max_attempts = 6;
    std::chrono::milliseconds first_delay{200};
    std::chrono::milliseconds max_delay{10000};

    // Status codes worth another attempt: 408, 429 and every 5xx.
    static bool retryable_status(unsigned status) { return status == 408 || status == 429 || status >= 500; }

    // Exponential backoff for the given attempt (1 = the first retry), or the server's
    // Retry-After (seconds or HTTP-date) when it gave one, capped at max_delay.
    std::chrono::milliseconds delay(int attempt, std::optional<std::string_view> retry_after = std::nullopt) const;
    // The waits between all of a request's attempts together, at most.
    std::chrono::milliseconds total_backoff() const;

    // The defaults, with first_delay from $LADING_REGISTRY_RETRY_DELAY_MS when set (tests
    // of fault handling shorten the backoff with it). Throws lading::error when malformed.
    static retry_policy from_environment();
};

// Seconds from a Retry-After value (delta-seconds or an HTTP-date); nullopt if unparsable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace lading::registry
