// One registry request's decisions, without I/O: which URL to send to with which
// Authorization, when to fetch a Bearer token, re-authenticate after a 401, follow a
// redirect, back off and retry, or give up and with what error. The session's I/O loop
// performs each returned action and reports its outcome through one of the on_* events.
//
// Rules (as docker and containerd apply them):
// - An accepted status ends the request.
// - The first 401 from the registry itself teaches a new challenge and the request is sent
//   again (a Bearer token for its scopes is fetched afresh); a second 401, or a Basic
//   challenge answered with the same credentials, fails.
// - 301/302/303/307/308 are followed (same method) up to 5 times when the request allows;
//   credentials never leave the registry's origin, and https never leads to http unless the
//   registry is insecure.
// - 408, 429 and 5xx, and network failures, are retried with backoff (Retry-After when the
//   registry gave one) up to the retry policy's attempts; a retry starts again at the
//   registry's URL, never at a redirect target (a signed storage URL may have expired).
#pragma once

#include "registry/session.hpp"

#include "action.hpp"
#include "authenticator.hpp"
#include "registry_settings.hpp"

#include <boost/system/error_code.hpp>

#include <string_view>

namespace lading::registry::sansio {

class request_fsm {
public:
    // `spec`, `settings` and `auth` must outlive the machine.
    request_fsm(const request_spec& spec, const registry_settings& settings, authenticator& auth);

    action start();
    action on_response(const http_response& r);
    // The connection failed (resolve, connect, TLS, read or write): worth another attempt.
    action on_transport_failure(const boost::system::error_code& ec, std::string_view text);
    // Something on lading's side failed during the attempt (a response too large, a body
    // source or consumer threw): not retried.
    action on_local_failure(std::error_code code, std::string_view text);
    action on_token(const std::string& token);
    action on_token_failure(std::error_code code, std::string_view text);
    action on_timer_expired();
    // The caller cancelled the operation while an action was under way.
    action on_cancelled();

    int attempt() const { return attempt_; }
    const url& target() const { return target_; }

private:
    enum class state { idle, sending, fetching_token, waiting, finished };

    action next_send();
    action retry_after(std::chrono::milliseconds delay);
    action reauthenticate(const http_response& r);
    action redirect(const http_response& r);
    action finish(action a);
    void expect(state s) const;
    std::string prefix() const;
    std::string describe(const http_response& r) const;

    const request_spec& spec_;
    const registry_settings& settings_;
    authenticator& auth_;
    state state_ = state::idle;
    url first_target_;
    url target_;
    int attempt_ = 1;
    int redirects_ = 0;
    bool reauthenticated_ = false;
};

// The registry's error code and message from its JSON error body, when it sent one.
std::string registry_error_text(const std::string& body);

}  // namespace lading::registry::sansio
