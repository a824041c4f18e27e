// Tokens by key, each until it expires: expired ones are dropped as others are kept, and
// past a limit the one that expires first. Not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace lading::registry {

struct expiring_token {
    std::string token;
    std::chrono::steady_clock::time_point expires;
};

class expiring_tokens {
public:
    using clock = std::chrono::steady_clock;

    explicit expiring_tokens(std::size_t limit) : limit_(limit) {}

    std::optional<expiring_token> find(const std::string& key, clock::time_point now) const;
    void keep(const std::string& key, expiring_token token, clock::time_point now);
    void forget(const std::string& key) { tokens_.erase(key); }
    std::size_t size() const { return tokens_.size(); }

private:
    std::size_t limit_;
    std::map<std::string, expiring_token> tokens_;
};

}  // namespace lading::registry
