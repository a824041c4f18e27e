// A Docker/OCI token server (docs "Token Authentication Specification" and "OAuth2"):
//   GET  /token?service=S&scope=repository:NAME:pull,push[&scope=...][&offline_token=true]
//        with optional Basic auth;
//   POST /token  form: grant_type=password&username=U&password=P | grant_type=refresh_token
//        &refresh_token=R, service=S, scope="A B" (space-separated), client_id=..,
//        access_type=offline.
// Answers {"token","access_token","expires_in","issued_at"[,"refresh_token"]} with a JWT
// signed by the test CA's token-signing key (registry_token.hpp), granting the requested
// actions that the user is allowed. Unknown users and wrong passwords get 401; no
// credentials means the anonymous user "". Every request is recorded for assertions.
// Serves HTTP, or HTTPS when given a certificate; runs on its own thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "registry_fixtures/http_server.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/registry_token.hpp"
#include "registry_fixtures/tls_files.hpp"

namespace lading::test {

struct token_server_options {
    std::string service = "lading-test-registry";  // must equal the registry's auth.token.service
    std::string issuer = "lading-test-issuer";     // must equal the registry's auth.token.issuer
    tls_files signing{};                           // test_ca::token_signing()
    token_key_reference key_reference = token_key_reference::x5c;
    std::optional<tls_files> tls{};  // serve HTTPS (test_ca::server())
    std::chrono::seconds expires_in{300};
    std::map<std::string, std::string> users{};  // user -> password
    // user ("" = anonymous) -> repository name ("*" = any) -> actions ("pull", "push",
    // "delete", "*" = all requested).
    std::map<std::string, std::map<std::string, std::set<std::string>>> grants{};
};

struct token_request {
    std::string method{};  // GET or POST
    std::string target{};  // path and query as received
    std::string path{};
    std::string query{};  // raw, without '?'
    bool had_authorization = false;
    std::string grant_type{};  // POST only
    std::string user{};        // authenticated user, "" if anonymous or rejected
    std::string service{};
    std::vector<std::string> scopes{};    // as asked, one entry per scope
    unsigned status = 0;                  // what the server answered
    std::vector<token_access> granted{};  // the token's access claim (on success)
};

class token_server {
public:
    explicit token_server(token_server_options options);
    ~token_server();

    std::string realm() const;  // "http(s)://127.0.0.1:PORT/token"
    const std::string& service() const { return options_.service; }
    const std::string& issuer() const { return options_.issuer; }
    std::uint16_t port() const { return server_.port(); }
    std::string address() const { return server_.address(); }
    // The registry side of this server: registry_options{.token = tokens.registry_auth(bundle)}.
    token_auth registry_auth(const std::filesystem::path& root_cert_bundle) const {
        return {realm(), service(), issuer(), root_cert_bundle};
    }

    std::vector<token_request> requests() const;
    void clear_requests();
    // The next `count` token requests fail with `status` before any other check.
    void fail_next(unsigned count, unsigned status = 500);

    // A token for `user` and scopes, granted by the same rules as over HTTP (no password
    // check). For tests that need a token without a round trip.
    std::string issue(const std::string& user, const std::vector<std::string>& scopes) const;
    // Signs arbitrary claims (expired tokens, other audiences, ...).
    std::string sign(const token_claims& claims) const { return signer_.sign(claims); }
    const token_signer& signer() const { return signer_; }

private:
    http_response handle(const http_request& req);
    std::vector<token_access> grant(const std::string& user, const std::vector<std::string>& scopes) const;
    std::string make_token(const std::string& user, const std::vector<token_access>& access) const;

    token_server_options options_;
    token_signer signer_;
    mutable std::mutex mutex_;
    std::vector<token_request> requests_;
    std::map<std::string, std::string> refresh_tokens_;  // refresh token -> user
    unsigned failures_left_ = 0;
    unsigned failure_status_ = 500;
    http_server server_;  // last: stopped first
};

// "repository:a/b:pull,push" -> {type "repository", name "a/b", actions {pull, push}}.
// The name may contain ':' (host:port/...), so the actions are after the last ':'.
// Throws std::invalid_argument when there are fewer than three parts.
token_access parse_scope(const std::string& scope);

}  // namespace lading::test
