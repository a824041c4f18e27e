#include "mirror/manifest_cache.hpp"
#include "registry/header_values.hpp"
#include "registry/manifest_accept.hpp"

#include <lading/error.hpp>
#include <lading/oci/media_types.hpp>
#include <lading/oci/reference.hpp>
#include <lading/registry/errc.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace lading::mirror {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The upstream's own answer about the content (it does not exist, access denied) is final;
// anything else (down, 5xx after retries) lets a known manifest be served stale.
// Whether a failure says the upstream is unavailable (down, or 5xx and 429 after the
// session's retries), not something about this one manifest.
bool upstream_unavailable(const std::exception_ptr& e)
{
    try {
        std::rethrow_exception(e);
    } catch (const registry::registry_error& r) {
        return r.status() >= 500 || r.status() == 429;
    } catch (const error& l) {
        return l.code() == registry::errc::network_failure || l.code() == registry::errc::unreachable ||
               l.code() == registry::errc::unresponsive;
    } catch (...) {
        return false;
    }
}

bool upstream_said_no(const std::exception_ptr& e)
{
    try {
        std::rethrow_exception(e);
    } catch (const registry::registry_error& r) {
        return r.status() == 404 || r.status() == 401 || r.status() == 403;
    } catch (...) {
        return false;
    }
}

std::string media_type_in(const std::string& bytes)
{
    std::error_code ec;
    auto doc = json::parse(bytes, ec);
    if (ec || !doc.is_object()) return "application/octet-stream";
    const auto& o = doc.as_object();
    if (auto* mt = o.if_contains("mediaType"); mt && mt->is_string())
        return registry::is_media_type(mt->as_string()) ? std::string(mt->as_string()) : "application/octet-stream";
    return std::string(o.contains("manifests") ? media_types::oci_index : media_types::oci_manifest);
}

}  // namespace

std::string upstream_record_name(const std::string& upstream_name)
{
    std::string host = upstream_name;
    std::replace(host.begin(), host.end(), ':', '_');
    return host;
}

std::string tag_record_key(const std::string& upstream_name, const std::string& repository, const std::string& tag)
{
    return "mirror/tags/" + upstream_record_name(upstream_name) + "/" + repository + "/_tag/" + tag;
}

manifest_cache::manifest_cache(plugin::store& store, blob_cache& blobs, repository_holdings& holdings,
                               std::chrono::seconds tag_ttl, mirror_metrics& metrics,
                               std::function<void(const std::string&)> note)
    : store_(store), blobs_(blobs), holdings_(holdings), ttl_(tag_ttl), metrics_(metrics), note_(std::move(note))
{
}

std::optional<manifest_cache::tag_record> manifest_cache::record(const std::string& key)
{
    if (auto it = tags_.find(key); it != tags_.end()) return it->second;
    auto text = store_.get_metadata(key);
    if (!text) return std::nullopt;
    std::error_code ec;
    auto doc = json::parse(*text, ec);
    if (ec || !doc.is_object()) return std::nullopt;
    const auto& o = doc.as_object();
    auto* d = o.if_contains("digest");
    auto* mt = o.if_contains("mediaType");
    auto* at = o.if_contains("resolved");
    if (!d || !d->is_string() || !mt || !mt->is_string() || !at || !at->is_int64()) return std::nullopt;
    auto parsed = digest::parse(d->as_string());
    if (!parsed) return std::nullopt;
    tag_record r{*parsed, std::string(mt->as_string()), at->as_int64()};
    tags_[key] = r;
    return r;
}

void manifest_cache::save(const std::string& key, const tag_record& r)
{
    tags_[key] = r;
    json::object o{{"digest", r.digest.str()}, {"mediaType", r.media_type}, {"resolved", r.resolved}};
    store_.put_metadata(key, json::serialize(o));
}

std::string manifest_cache::media_type_of(const digest& d, const std::string& bytes)
{
    if (auto mt = store_.get_metadata("mirror/media-types/sha256/" + std::string(d.hex())); mt && !mt->empty())
        return *mt;
    return media_type_in(bytes);
}

void manifest_cache::vouch(const upstream& from, const std::string& repository, const served_manifest& m)
{
    holdings_.note_lasting(from, repository, m.digest);
    learn_contents(from, repository, m, true);
}

void manifest_cache::keep(const served_manifest& m)
{
    blobs_.put_small(m.digest, m.bytes);
    store_.put_metadata("mirror/media-types/sha256/" + std::string(m.digest.hex()), m.media_type);
}

// What a manifest `repository` holds references, with sizes for the downloads that follow.
// Its config, layers and an index's manifests are held there too: a registry takes a manifest
// only once it holds them. Not a layer with `urls` (a registry takes those without their
// bytes) nor an artifact's `blobs`, which a registry may not check.
void manifest_cache::learn_contents(const upstream& from, const std::string& repository, const served_manifest& m,
                                    bool lasting)
{
    std::error_code ec;
    auto doc = json::parse(m.bytes, ec);
    if (ec || !doc.is_object()) return;
    auto learn = [&](const json::value& v, bool proves_holding) {
        if (!v.is_object()) return;
        const auto& entry = v.as_object();
        auto* d = entry.if_contains("digest");
        auto* s = entry.if_contains("size");
        if (!d || !d->is_string() || !s || !s->is_int64() || s->as_int64() < 0) return;
        auto parsed = digest::parse(d->as_string());
        if (!parsed) return;
        blobs_.remember_size(from, repository, *parsed, static_cast<std::uint64_t>(s->as_int64()));
        if (entry.contains("urls") || !proves_holding) return;
        if (lasting)
            holdings_.note_lasting(from, repository, *parsed);
        else
            holdings_.note(from, repository, *parsed);
    };
    const auto& o = doc.as_object();
    if (auto* c = o.if_contains("config")) learn(*c, true);
    for (auto [list, proves_holding] : {std::pair{"layers", true}, {"manifests", true}, {"blobs", false}})
        if (auto* l = o.if_contains(list); l && l->is_array())
            for (const auto& v : l->as_array()) learn(v, proves_holding);
}

std::optional<served_manifest> manifest_cache::cached(const digest& d)
{
    auto bytes = blobs_.read_small(d);
    if (!bytes) return std::nullopt;
    served_manifest m{*bytes, media_type_of(d, *bytes), d};
    return m;
}

asio::awaitable<served_manifest> manifest_cache::fetch(upstream& from, const std::string& repository,
                                                       const std::string& reference)
{
    registry::request_spec spec;
    spec.target = "/v2/" + repository + "/manifests/" + reference;
    spec.headers.set(registry::http::field::accept, registry::manifest_accept);
    spec.scopes = {"repository:" + repository + ":pull"};
    spec.expected = {200};
    spec.what = "manifest " + reference_text(from.host() + "/" + repository, reference);
    auto r = co_await from.send(spec);
    served_manifest m{r.body, r.header(registry::http::field::content_type), digest::of(r.body)};
    if (m.media_type.empty()) m.media_type = media_type_in(m.bytes);
    if (auto wanted = digest::parse(reference); wanted && *wanted != m.digest)
        throw error(registry::errc::protocol_violation, spec.what + " does not match its digest");
    if (auto named = digest::parse(r.header("Docker-Content-Digest")); named && *named != m.digest)
        throw error(registry::errc::protocol_violation, spec.what + " does not match the digest the upstream gives");
    keep(m);
    holdings_.note_lasting(from, repository, m.digest);
    learn_contents(from, repository, m, true);
    co_return m;
}

asio::awaitable<served_manifest> manifest_cache::get(upstream& from, const std::string& repository,
                                                     const std::string& reference)
{
    if (auto d = digest::parse(reference)) {
        // A cached copy another repository fetched is not served here: the upstream decides.
        std::optional<served_manifest> m;
        if (holdings_.holds(from, repository, *d)) m = cached(*d);
        if (m) {
            ++metrics_.cache_hits;
            learn_contents(from, repository, *m, false);
            co_return *m;
        }
        ++metrics_.cache_misses;
        try {
            co_return co_await fetch(from, repository, reference);
        } catch (...) {
            ++metrics_.upstream_errors;
            throw;
        }
    }
    const auto key = tag_record_key(from.name(), repository, reference);
    auto known = record(key);
    std::optional<served_manifest> last;
    if (known) last = cached(known->digest);
    // The tag was resolved upstream in this repository: it holds the manifest and what it lists.
    if (last) {
        holdings_.note(from, repository, last->digest);
        learn_contents(from, repository, *last, false);
    }
    if (last && unix_now() - known->resolved < ttl_.count()) {
        ++metrics_.cache_hits;
        co_return *last;
    }
    ++metrics_.cache_misses;
    const auto shown = from.name() + "/" + repository + ":" + reference;
    // An upstream that just failed is not asked again for a while (the TTL, at most 10 s).
    if (last && from.failed_within(std::min(ttl_, std::chrono::seconds(10)))) {
        if (note_) note_("serving " + shown + " stale: the upstream failed moments ago");
        co_return *last;
    }
    std::exception_ptr failure;
    try {
        auto m = co_await fetch(from, repository, reference);
        from.note_answered();
        save(key, {m.digest, m.media_type, unix_now()});
        co_return m;
    } catch (...) {
        failure = std::current_exception();
    }
    ++metrics_.upstream_errors;
    if (upstream_said_no(failure)) {
        from.note_answered();
        std::rethrow_exception(failure);
    }
    if (upstream_unavailable(failure)) from.note_failed();
    if (!last) std::rethrow_exception(failure);
    if (note_) note_("serving " + shown + " stale: the upstream did not answer");
    co_return *last;
}

}  // namespace lading::mirror
