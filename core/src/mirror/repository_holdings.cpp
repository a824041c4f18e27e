#include "mirror/repository_holdings.hpp"

#include <algorithm>

namespace lading::mirror {

namespace {

// Past this many, what is known is forgotten and learnt again (from manifests, or with one
// HEAD upstream each), so memory stays bounded however many repositories clients name.
constexpr std::size_t known_limit = 200000;

}  // namespace

repository_holdings::key repository_holdings::key_of(const upstream& from, const std::string& repository,
                                                     const digest& d)
{
    return {from.name() + "/" + repository, d};
}

// "mirror/held/<upstream>/<repository>/_manifest/<hex>", beside the tag records.
std::string repository_holdings::record_key(const upstream& from, const std::string& repository, const digest& d)
{
    std::string host = from.name();
    std::replace(host.begin(), host.end(), ':', '_');
    return "mirror/held/" + host + "/" + repository + "/_manifest/" + std::string(d.hex());
}

bool repository_holdings::holds(const upstream& from, const std::string& repository, const digest& d)
{
    if (known_.count(key_of(from, repository, d))) return true;
    if (!store_.get_metadata(record_key(from, repository, d))) return false;
    note(from, repository, d);
    return true;
}

void repository_holdings::note(const upstream& from, const std::string& repository, const digest& d)
{
    if (known_.size() >= known_limit) known_.clear();
    known_.insert(key_of(from, repository, d));
}

void repository_holdings::note_manifest(const upstream& from, const std::string& repository, const digest& d)
{
    if (known_.count(key_of(from, repository, d))) return;
    note(from, repository, d);
    store_.put_metadata(record_key(from, repository, d), d.str());
}

}  // namespace lading::mirror
