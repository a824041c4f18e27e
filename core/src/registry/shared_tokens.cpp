#include "registry/shared_tokens.hpp"

namespace lading::registry {

shared_tokens& shared_tokens::of_process()
{
    static auto* table = new shared_tokens;
    return *table;
}

std::optional<expiring_token> shared_tokens::find(const std::string& key, clock::time_point now) const
{
    std::lock_guard lock(mutex_);
    return tokens_.find(key, now);
}

void shared_tokens::keep(const std::string& key, expiring_token token, clock::time_point now)
{
    if (token.token.size() > largest_token) return;
    std::lock_guard lock(mutex_);
    tokens_.keep(key, std::move(token), now);
}

}  // namespace lading::registry
