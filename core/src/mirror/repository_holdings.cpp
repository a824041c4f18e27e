#include "mirror/repository_holdings.hpp"

namespace lading::mirror {

namespace {

// Entries in each generation (two of them): a few tens of MiB at most, whatever clients ask.
constexpr std::size_t generation_size = 100000;

}  // namespace

repository_holdings::key repository_holdings::key_of(const upstream& from, const std::string& repository,
                                                     const digest& d)
{
    return {from.name() + "\n" + repository, d};
}

// "mirror/held/<hash of upstream and repository>/<hex>": upstream names and repositories may
// hold characters a store refuses in keys, and no two of them share a hash.
std::string repository_holdings::record_key(const key& k)
{
    return "mirror/held/" + std::string(digest::of(k.first).hex()) + "/" + std::string(k.second.hex());
}

void repository_holdings::add(std::set<key>& newer, std::set<key>& older, const key& k)
{
    if (newer.size() >= generation_size) {
        older = std::move(newer);
        newer.clear();
    }
    newer.insert(k);
}

bool repository_holdings::holds(const upstream& from, const std::string& repository, const digest& d)
{
    const auto k = key_of(from, repository, d);
    if (known_.count(k)) return true;
    if (!known_before_.count(k) && !store_.get_metadata(record_key(k))) return false;
    add(known_, known_before_, k);
    return true;
}

void repository_holdings::note(const upstream& from, const std::string& repository, const digest& d)
{
    const auto k = key_of(from, repository, d);
    if (!known_.count(k)) add(known_, known_before_, k);
}

void repository_holdings::note_lasting(const upstream& from, const std::string& repository, const digest& d)
{
    note(from, repository, d);
    const auto k = key_of(from, repository, d);
    if (recorded_.count(k)) return;
    if (!recorded_before_.count(k)) store_.put_metadata(record_key(k), d.str());
    add(recorded_, recorded_before_, k);
}

}  // namespace lading::mirror
