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
    learned_.insert_or_assign(key, std::move(g));
}

}  // namespace lading::registry
