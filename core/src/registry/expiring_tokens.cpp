#include "registry/expiring_tokens.hpp"

#include <algorithm>

namespace lading::registry {

std::optional<expiring_token> expiring_tokens::find(const std::string& key, clock::time_point now) const
{
    if (auto it = tokens_.find(key); it != tokens_.end() && it->second.expires > now) return it->second;
    return std::nullopt;
}

void expiring_tokens::keep(const std::string& key, expiring_token token, clock::time_point now)
{
    std::erase_if(tokens_, [&](const auto& entry) { return entry.second.expires <= now; });
    if (tokens_.size() >= limit_ && !tokens_.contains(key))
        tokens_.erase(std::min_element(tokens_.begin(), tokens_.end(), [](const auto& a, const auto& b) {
            return a.second.expires < b.second.expires;
        }));
    tokens_[key] = std::move(token);
}

}  // namespace lading::registry
