#include "registry/greetings_table.hpp"
#include "registry/key_part.hpp"

namespace lading::registry {

greetings::greetings() : table_(std::make_unique<table>()) {}
greetings::~greetings() = default;

std::string greeting_key(const std::string& host, bool insecure, bool plain_http,
                         const std::vector<std::filesystem::path>& extra_ca)
{
    auto key = key_part(host) + key_part(insecure ? "insecure" : "verified") + key_part(plain_http ? "http" : "https");
    for (const auto& ca : extra_ca) key += key_part(ca.string());
    return key;
}

std::optional<greeting> greetings::table::find(const std::string& key) const
{
    std::lock_guard lock(mutex_);
    auto found = learned_.find(key);
    if (found == learned_.end()) return std::nullopt;
    return found->second;
}

void greetings::table::keep(const std::string& key, greeting g)
{
    std::lock_guard lock(mutex_);
    failures_.erase(key);
    learned_.insert_or_assign(key, std::move(g));
}

void greetings::table::keep_failure(const std::string& key, greeting_failure f)
{
    std::lock_guard lock(mutex_);
    failures_.insert_or_assign(key, std::move(f));
}

std::optional<greeting_failure> greetings::table::failure_since(const std::string& key,
                                                                std::chrono::steady_clock::time_point since) const
{
    std::lock_guard lock(mutex_);
    auto found = failures_.find(key);
    if (found == failures_.end() || found->second.when < since) return std::nullopt;
    return found->second;
}

}  // namespace lading::registry
