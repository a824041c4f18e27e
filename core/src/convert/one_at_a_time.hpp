// Calls of make_variant for the same store, original and compression in one process run one
// after the other: a later one waits for the first, then finds its layers recorded in the
// store instead of converting them a second time. Calls in other processes are safe without
// it (blob and record writes are atomic and idempotent), only not collapsed.
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>

namespace lading::convert {

class one_at_a_time {
public:
    class turn {
    public:
        turn(one_at_a_time& owner, std::string key) : owner_(owner), key_(std::move(key)) {}
        ~turn();
        turn(const turn&) = delete;
        turn& operator=(const turn&) = delete;

    private:
        one_at_a_time& owner_;
        std::string key_;
    };

    // Waits until no other call holds `key`, then holds it until the turn ends. Throws the
    // stopped-conversion error when `stop` is requested while waiting.
    [[nodiscard]] turn wait_for(const std::string& key, std::stop_token stop);

private:
    std::mutex mutex_;
    std::condition_variable_any released_;
    std::set<std::string> held_;
};

}  // namespace lading::convert
