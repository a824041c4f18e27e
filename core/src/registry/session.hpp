// Everything lading says to one registry host: scheme selection, authentication (Basic and
// Bearer tokens cached per scope), retries with backoff, and redirects that never carry
// credentials to another origin. Runs on one executor; not thread-safe.
#pragma once

#include <lading/host_config.hpp>
#include "registry/connection.hpp"
#include "registry/credentials.hpp"
#include "registry/retry_policy.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading::registry {

struct session_options {
    bool insecure = false;  // registry.insecure: plain HTTP or unverified TLS allowed
    bool plain_http = false;  // the host configuration says this registry speaks http only
    std::vector<std::filesystem::path> extra_ca;
    std::optional<credential> credentials;
    retry_policy retry;
    timeouts limits;
    std::size_t max_body = 4 << 20;  // bodies read into memory (errors, manifests)
};

struct request_spec {
    http::verb method = http::verb::get;
    std::string target;                // "/v2/..." on the registry, or an absolute URL
    http::fields headers;
    const request_body* body = nullptr;
    std::vector<std::string> scopes;   // token scopes the request needs
    std::vector<unsigned> expected;    // statuses that end the request successfully
    const body_consumer* consume = nullptr;
    bool follow_redirects = true;
    std::string what;                  // for errors: "blob sha256:..", "manifest app:1"
    bool authenticate = true;          // false for the ping and for token requests
    // Called before every attempt whose answer may go to `consume`, so that a consumer can
    // tell a retried body from the rest of a broken one.
    const std::function<void()>* on_attempt = nullptr;
    // Cap on a body read into memory for this request only (token answers); else the
    // session's max_body.
    std::optional<std::size_t> max_body;
};

// A response that was not one of the expected statuses, after every retry.
class registry_error : public std::runtime_error {
public:
    registry_error(const std::string& message, unsigned status) : std::runtime_error(message), status_(status) {}
    unsigned status() const { return status_; }

private:
    unsigned status_;
};

class session {
public:
    session(boost::asio::any_io_executor ex, std::string host, session_options options);
    ~session();

    // Picks https or http (insecure and loopback registries may fall back to http) and
    // learns the auth challenge; throws with a clear message when the registry is unusable.
    boost::asio::awaitable<void> ping();
    // Sends the request with auth, retries and redirects; returns the final response when
    // its status is expected, else throws registry_error naming host, what, status and
    // the registry's error code.
    boost::asio::awaitable<http_response> send(const request_spec& spec);

    const std::string& host() const { return host_; }
    const url& base() const { return base_; }
    // Bytes of request bodies sent so far (all attempts).
    std::uint64_t bytes_sent() const { return bytes_sent_; }

private:
    boost::asio::awaitable<http_response> attempt(const request_spec& spec, const url& target, bool with_auth);
    // The ping on one scheme, retried on 408, 429 and 5xx; on network failures only when
    // asked (on https a failure may rather mean that the registry speaks plain http).
    boost::asio::awaitable<http_response> ping_with_retries(const request_spec& spec, const url& target,
                                                            bool retry_network_failures);
    boost::asio::awaitable<std::string> bearer_token(const std::vector<std::string>& scopes);
    boost::asio::awaitable<std::string> fetch_token(const std::vector<std::string>& scopes);
    void learn_challenge(const http_response& r);
    std::unique_ptr<connection> acquire(const url& u);
    void release(std::unique_ptr<connection> c);
    std::string describe_failure(const request_spec& spec, const http_response& r) const;

    boost::asio::any_io_executor ex_;
    std::string host_;
    session_options options_;
    url base_;
    std::string auth_scheme_;  // "", "basic" or "bearer"
    std::map<std::string, std::string> challenge_params_;
    struct cached_token {
        std::string token;
        std::chrono::steady_clock::time_point expires;
    };
    std::map<std::string, cached_token> tokens_;
    std::string refresh_token_;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;  // per origin
    std::map<std::string, std::shared_ptr<boost::asio::ssl::context>> tls_;
    std::uint64_t bytes_sent_ = 0;
};

// Options for `host`: its credentials from docker's config.json, the host configuration's
// settings for it, and registry.insecure.
session_options options_for(const std::string& host, const host_config* hosts, bool insecure);

}  // namespace lading::registry
