// What a session knows about authenticating to one registry, without I/O: the scheme its
// last challenge asked for, the Authorization header a request carries, and Bearer tokens
// (how to ask the token server for one, what its answer means, a cache per scope set).
#pragma once

#include "registry/credentials.hpp"
#include "registry/expiring_tokens.hpp"
#include "registry/http_types.hpp"
#include "registry/url.hpp"

#include "failure.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lading::registry::sansio {

enum class auth_scheme { none, basic, bearer };

// The Authorization a request to the registry itself carries: a header value (empty for
// none), or the news that a Bearer token for the request's scopes is needed first.
struct authorization {
    bool needs_token = false;
    std::string header;
};

// A request for a Bearer token, to be sent as is (never authenticated, never redirected).
struct token_request {
    http::verb method = http::verb::get;
    std::string target;         // absolute URL
    std::string authorization;  // "Basic ..." for a GET with a user name, else empty
    std::string form;           // the POST body (OAuth2 refresh-token grant), else empty
    std::string realm_origin;   // names the token server in messages
};

class authenticator {
public:
    using clock = std::chrono::steady_clock;

    authenticator(std::string host, std::optional<credential> credentials, bool insecure);

    auth_scheme scheme() const { return scheme_; }
    bool has_credentials() const { return credentials_.has_value(); }

    // Learns the scheme (and the Bearer realm) from a 401's WWW-Authenticate value.
    std::optional<failure> learn_challenge(std::string_view header);

    authorization for_request() const;

    std::optional<std::string> cached_token(const std::vector<std::string>& scopes, clock::time_point now) const;
    // The token cached for `scopes` with its expiry.
    std::optional<expiring_token> kept_token(const std::vector<std::string>& scopes, clock::time_point now) const;
    // Drops the token for `scopes`: the registry answered 401. The next token for them is
    // fetched, not taken from another session (it may be the one just refused).
    void forget_token(const std::vector<std::string>& scopes);

    // The key under which tokens for `scopes` are shared with the other sessions of the
    // process (registry/shared_tokens.hpp): where the registry is reached (`base`), whether
    // it is insecure, the realm and service of its challenge, a digest of the credentials,
    // and the scopes. Empty when the next token for `scopes` must be fetched.
    std::string sharing_key(const std::vector<std::string>& scopes, const url& base) const;
    // Takes a token another session got under sharing_key(scopes, ...) as this one's.
    void adopt_token(const std::vector<std::string>& scopes, expiring_token token, clock::time_point now);

    // How to ask the realm for a token for `scopes`; `base` is where the registry is reached
    // (a registry on https must not send credentials to a plain-http realm).
    std::variant<token_request, failure> request_token(const std::vector<std::string>& scopes, const url& base) const;
    // The token in the token server's answer `body`, cached for `scopes` until shortly before
    // it expires; a refresh token in it replaces the identity token for later requests.
    std::variant<std::string, failure> accept_token(std::string_view body, const std::vector<std::string>& scopes,
                                                    const std::string& realm_origin, clock::time_point now);

    static constexpr std::size_t token_cache_limit = 256;
    std::size_t cached_tokens() const { return tokens_.size(); }

private:

    std::string host_;
    std::optional<credential> credentials_;
    bool insecure_;
    auth_scheme scheme_ = auth_scheme::none;
    std::map<std::string, std::string> challenge_params_;
    expiring_tokens tokens_{token_cache_limit};  // by sorted scope list
    std::set<std::string> fetch_fresh_;           // scope lists refused since their last fetch
    std::string refresh_token_;
};

// "Basic " credentials for a user name and password.
std::string basic_authorization(const std::string& username, const std::string& password);

}  // namespace lading::registry::sansio
