#include <lading/error.hpp>
#include "registry/challenge.hpp"
#include "registry/key_part.hpp"
#include "registry/onward_address.hpp"
#include <lading/registry/errc.hpp>

#include "authenticator.hpp"

#include <lading/formats/base64.hpp>
#include <lading/oci/digest.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace lading::registry::sansio {

namespace {

std::string scope_key(std::vector<std::string> scopes)
{
    std::sort(scopes.begin(), scopes.end());
    std::string key;
    for (const auto& s : scopes) key += s + " ";
    return key;
}

failure challenge_failure(std::string message) { return {errc::unsupported_challenge, std::move(message), {}}; }

bool reaches_inward(const url& realm, const url& registry)
{
    return realm.host != registry.host && further_inside(reach_of(realm.host), reach_of(registry.host));
}

}  // namespace

std::string basic_authorization(const std::string& username, const std::string& password)
{
    return "Basic " + formats::base64_encode(username + ":" + password);
}

authenticator::authenticator(std::string host, std::optional<credential> credentials, bool insecure)
    : host_(std::move(host)), credentials_(std::move(credentials)), insecure_(insecure)
{
}

std::optional<failure> authenticator::learn_challenge(std::string_view header)
{
    if (header.empty())
        return challenge_failure("registry " + host_ + " asks for authentication but sends no WWW-Authenticate header");
    std::vector<challenge> challenges;
    try {
        challenges = parse_challenges(header);
    } catch (const error& e) {
        return challenge_failure("registry " + host_ + ": " + e.what());
    }
    for (const auto& c : challenges) {
        if (c.scheme == "bearer") {
            if (!c.params.count("realm"))
                return challenge_failure("registry " + host_ + " sent a Bearer challenge without a realm");
            scheme_ = auth_scheme::bearer;
            challenge_params_ = c.params;
            return std::nullopt;
        }
        if (c.scheme == "basic") {
            scheme_ = auth_scheme::basic;
            challenge_params_ = c.params;
            return std::nullopt;
        }
    }
    return challenge_failure("registry " + host_ + " asks for an authentication scheme lading does not speak: " +
                             std::string(header.substr(0, 100)));
}

authorization authenticator::for_request() const
{
    // A registry token from config.json is used as is, whatever the challenge.
    if (credentials_ && !credentials_->registry_token.empty()) return {false, "Bearer " + credentials_->registry_token};
    if (scheme_ == auth_scheme::basic && credentials_)
        return {false, basic_authorization(credentials_->username, credentials_->password)};
    if (scheme_ == auth_scheme::bearer) return {true, {}};
    return {};
}

std::optional<std::string> authenticator::cached_token(const std::vector<std::string>& scopes,
                                                       clock::time_point now) const
{
    if (auto kept = kept_token(scopes, now)) return kept->token;
    return std::nullopt;
}

std::optional<expiring_token> authenticator::kept_token(const std::vector<std::string>& scopes,
                                                        clock::time_point now) const
{
    return tokens_.find(scope_key(scopes), now);
}

void authenticator::forget_token(const std::vector<std::string>& scopes)
{
    const auto key = scope_key(scopes);
    tokens_.forget(key);
    // Bounded for a long-running session; past the bound, a shared token may be taken once
    // more, and a 401 to it brings the scopes back here.
    if (fetch_fresh_.size() >= token_cache_limit) fetch_fresh_.clear();
    fetch_fresh_.insert(key);
}

std::string authenticator::sharing_key(const std::vector<std::string>& scopes, const url& base) const
{
    const auto key = scope_key(scopes);
    if (fetch_fresh_.contains(key)) return {};
    std::string who;
    if (credentials_)
        for (const auto* secret : {&credentials_->username, &credentials_->password, &credentials_->identity_token,
                                   &credentials_->registry_token, &refresh_token_})
            who += key_part(*secret);
    auto param = [&](const char* name) {
        auto it = challenge_params_.find(name);
        return key_part(it == challenge_params_.end() ? std::string() : it->second);
    };
    // The credentials go in as a digest only.
    return key_part(base.origin()) + (insecure_ ? "insecure " : "secure ") + param("realm") + param("service") +
           key_part(digest::of(who).str()) + key_part(key);
}

void authenticator::adopt_token(const std::vector<std::string>& scopes, expiring_token token, clock::time_point now)
{
    tokens_.keep(scope_key(scopes), std::move(token), now);
}

std::variant<token_request, failure> authenticator::request_token(const std::vector<std::string>& scopes,
                                                                  const url& base) const
{
    url realm;
    try {
        realm = url::parse(challenge_params_.at("realm"));
    } catch (const std::exception& e) {
        return challenge_failure(e.what());
    }
    if (realm.scheme == "http" && base.scheme == "https" && !insecure_)
        return failure{errc::insecure_redirect,
                       "registry " + host_ + " points its token realm at plain http (" + realm.origin() +
                           "); refusing to send credentials there",
                       {}};
    if (reaches_inward(realm, base))
        return failure{errc::insecure_redirect,
                       "registry " + host_ + " points its token realm at " + realm.origin() +
                           ", an address on a network the registry is not on; refusing to ask it for a token",
                       {}};
    token_request r;
    r.realm_origin = realm.origin();
    const auto service = challenge_params_.find("service");
    if (credentials_ && (!credentials_->identity_token.empty() || !refresh_token_.empty())) {
        // OAuth2: an identity (or refresh) token is exchanged with a POST, never sent as a query.
        r.method = http::verb::post;
        r.target = realm.str();
        auto refresh = !refresh_token_.empty() ? refresh_token_ : credentials_->identity_token;
        r.form = "grant_type=refresh_token&client_id=lading&refresh_token=" + query_escape(refresh);
        if (service != challenge_params_.end()) r.form += "&service=" + query_escape(service->second);
        std::string joined;
        for (const auto& sc : scopes) joined += (joined.empty() ? "" : " ") + sc;
        r.form += "&scope=" + query_escape(joined);
        return r;
    }
    std::string query;
    if (service != challenge_params_.end()) query += "service=" + query_escape(service->second);
    for (const auto& scope : scopes) query += std::string(query.empty() ? "" : "&") + "scope=" + query_escape(scope);
    r.method = http::verb::get;
    auto target = realm;
    target.target += (target.target.find('?') == std::string::npos ? "?" : "&") + query;
    r.target = target.str();
    if (credentials_ && !credentials_->username.empty())
        r.authorization = basic_authorization(credentials_->username, credentials_->password);
    return r;
}

std::variant<std::string, failure> authenticator::accept_token(std::string_view body,
                                                               const std::vector<std::string>& scopes,
                                                               const std::string& realm_origin, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object())
        return failure{errc::bad_token_response, "token server " + realm_origin + " returned something that is not JSON", {}};
    const auto& o = v.as_object();
    std::string token;
    for (const char* key : {"token", "access_token"})
        if (auto* t = o.if_contains(key); t && t->is_string() && !t->get_string().empty())
            token = std::string(t->get_string());
    if (token.empty()) return failure{errc::bad_token_response, "token server " + realm_origin + " returned no token", {}};
    if (auto* rt = o.if_contains("refresh_token"); rt && rt->is_string()) refresh_token_ = std::string(rt->get_string());
    std::int64_t expires_in = 60;
    // A day at most: a longer lifetime would overflow the clock, and a token the registry
    // stops taking earlier is fetched again after its 401.
    if (auto* e = o.if_contains("expires_in"); e && e->is_int64())
        expires_in = std::clamp<std::int64_t>(e->get_int64(), 60, 24 * 60 * 60);
    // Refresh a little early so that a long upload does not start with a token about to expire.
    // A long-running session (the mirror) asks for tokens for ever new repositories: the
    // cache drops expired ones, and past its cap the one that expires first.
    tokens_.keep(scope_key(scopes), {token, now + std::chrono::seconds(expires_in - 10)}, now);
    fetch_fresh_.erase(scope_key(scopes));
    return token;
}

}  // namespace lading::registry::sansio
