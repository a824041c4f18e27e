// Everything lading says to one registry host: scheme selection, authentication (Basic and
// Bearer tokens cached per scope), retries with backoff, and redirects that never carry
// credentials to another origin. Runs on one executor; not thread-safe.
#pragma once

#include <lading/error.hpp>
#include <lading/host_config.hpp>
#include "async/single_flight.hpp"
#include "registry/connection.hpp"
#include "registry/host_address.hpp"
#include "registry/credentials.hpp"
#include <lading/registry/errc.hpp>
#include <lading/registry/greetings.hpp>
#include "registry/retry_policy.hpp"

#include <boost/asio/awaitable.hpp>

#include <algorithm>
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
    // Shared with the sessions that run alongside: ping() greets each registry once between
    // them. None: this session greets for itself.
    std::shared_ptr<greetings> greeted;
    // The chunk size for blobs, when the registry is known to cap request bodies
    // (registry/upload_chunk_notes.hpp).
    std::optional<std::uint64_t> upload_chunk_size;
    // What the user of this session sets to skip certificate checks, for the error of a
    // certificate that does not verify; empty: the host configuration's "insecure".
    std::string skip_verification_hint;
};

// The hints for skip_verification_hint.
inline constexpr const char* push_output_hint = "registry.insecure=true on the output";

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
    // Replaces the connection's io limit for this request's reads and writes.
    std::optional<std::chrono::seconds> idle_limit;
};

// A response that was not one of the expected statuses, after every retry; its code is
// errc::unexpected_status. Other registry failures are lading::errors with their errc.
class registry_error : public lading::error {
public:
    registry_error(const std::string& message, unsigned status)
        : lading::error(errc::unexpected_status, message), status_(status)
    {
    }
    unsigned status() const { return status_; }

private:
    unsigned status_;
};

struct greeting;

namespace sansio {
class authenticator;
struct registry_settings;
}  // namespace sansio

// Threading: a session and everything it sends run on the executor given at construction,
// which must not run its handlers in parallel (an io_context run by one thread, or a
// strand); a session is not thread-safe.
// Cancellation: ping() and send() accept the terminal cancellation of the awaiting
// coroutine (asio's per-operation cancellation, e.g. a cancellation slot bound with
// co_spawn): the request or backoff under way ends, nothing is retried, and the call throws
// lading::error with errc::interrupted. The connection that was cancelled is closed.
class session {
public:
    session(boost::asio::any_io_executor ex, std::string host, session_options options);
    ~session();

    // Picks https or http (insecure and loopback registries may fall back to http) and
    // learns the auth challenge; throws lading::error (errc::unreachable,
    // certificate_rejected, ...) with a clear message when the registry is unusable. With
    // options.greeted, takes what another session learned instead, or waits for the
    // greeting another session has under way.
    boost::asio::awaitable<void> ping();
    // Sends the request with auth, retries and redirects (the decisions are
    // sansio::request_fsm's); returns the final response when its status is expected, else
    // throws registry_error naming host, what, status and the registry's error code, or
    // lading::error with another errc.
    boost::asio::awaitable<http_response> send(const request_spec& spec);

    const std::string& host() const { return host_; }
    const url& base() const;
    // Bytes of request bodies sent so far (all attempts).
    std::uint64_t bytes_sent() const { return bytes_sent_; }
    // The largest blob chunk the registry took in one request, once a larger body was
    // refused with 413 (a proxy in front of it caps request bodies): later uploads of larger
    // blobs go in chunks of this size (registry/chunked_upload.hpp). None while no body was
    // refused.
    std::optional<std::uint64_t> upload_chunk_size() const { return upload_chunk_size_; }
    void take_upload_chunk_size(std::uint64_t bytes)
    {
        upload_chunk_size_ = upload_chunk_size_ ? std::min(*upload_chunk_size_, bytes) : bytes;
    }

private:
    struct attempt_outcome;
    // Runs one of the sans-I/O machines: performs each action it asks for.
    template <class Machine>
    boost::asio::awaitable<http_response> drive(Machine& machine, const request_spec& spec);
    boost::asio::awaitable<attempt_outcome> attempt(const request_spec& spec, const url& target,
                                                    const std::string& authorization, std::size_t body_limit);
    // GET /v2/: what ping() asks when nobody else did.
    boost::asio::awaitable<void> greet();
    bool take_greeting(const greeting& g);
    // The lead of `key`'s flight, or nothing once another session's flight for it ended (or
    // this one waited long enough); throws errc::interrupted (naming `what`) when cancelled
    // while it waited.
    // `longest` is how long the other session's request may take beyond its retries' waits.
    boost::asio::awaitable<std::optional<async::single_flight::lead>> take_turn(async::single_flight& flights,
                                                                             const std::string& key, const char* what,
                                                                             std::chrono::seconds longest);
    boost::asio::awaitable<std::string> bearer_token(const std::vector<std::string>& scopes);
    boost::asio::awaitable<std::string> fetch_token(const std::vector<std::string>& scopes);
    std::unique_ptr<connection> acquire(const url& u);
    void release(std::unique_ptr<connection> c);

    boost::asio::any_io_executor ex_;
    std::string host_;
    session_options options_;
    std::unique_ptr<sansio::registry_settings> settings_;
    std::unique_ptr<sansio::authenticator> auth_;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;  // per origin
    std::map<std::string, std::shared_ptr<boost::asio::ssl::context>> tls_;
    // The furthest inside the registry is known to be: its host's text, then every address
    // lading reached it at. Connections elsewhere (token realm, redirects) go no further in.
    host_reach registry_reach_;
    std::optional<std::string> challenge_;  // what the registry's greeting asked for (a 401's)
    std::uint64_t bytes_sent_ = 0;
    std::optional<std::uint64_t> upload_chunk_size_;
};

// Options for `host`: its credentials from docker's config.json, the host configuration's
// settings for it, registry.insecure, and the greetings shared with other sessions (if any).
session_options options_for(const std::string& host, const host_config* hosts, bool insecure,
                            std::shared_ptr<greetings> greeted = nullptr);

}  // namespace lading::registry
