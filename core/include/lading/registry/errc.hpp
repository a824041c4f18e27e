// The kinds of registry failure, as std::error_codes that embedders can compare against:
// every lading::error thrown by the registry client carries one (see error.hpp).
#pragma once

#include <system_error>

namespace lading::registry {

enum class errc {
    unexpected_status = 1,       // the registry answered a status the request does not accept
    network_failure,             // the connection failed, after every retry that was allowed
    unreachable,                 // no answer on /v2/ over https nor (where allowed) plain http
    certificate_rejected,        // the registry's TLS certificate does not verify
    client_certificate_refused,  // the registry refused lading's TLS client certificate (or its lack)
    credentials_required,        // the registry asks for credentials and none are configured
    authentication_failed,       // the credentials or token were refused
    unsupported_challenge,       // a 401 without a usable WWW-Authenticate challenge
    insecure_redirect,           // a redirect or token realm from https to plain http, refused
    bad_redirect,                // a redirect without a usable Location
    bad_token_response,          // the token server's answer holds no token
    response_too_large,          // a response body longer than the request allows
    protocol_violation,          // the registry broke the distribution protocol (digest, Location)
    request_failed,              // lading's side of a request failed (a body source, a consumer)
    interrupted,                 // the operation was cancelled
    unresponsive,                // the registry took the connection and did not answer /v2/ in time
};

const std::error_category& category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace lading::registry

template <>
struct std::is_error_code_enum<lading::registry::errc> : std::true_type {};
