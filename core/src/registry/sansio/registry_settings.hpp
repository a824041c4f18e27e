// What the registry state machines need to know about the session they decide for.
#pragma once

#include "registry/retry_policy.hpp"
#include "registry/url.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace lading::registry::sansio {

struct registry_settings {
    std::string host;           // host[:port] as the user wrote it
    url base;                   // https://host/ or, after the ping chose it, http://host/
    bool insecure = false;      // registry.insecure
    bool plain_http = false;    // the host configuration says http only
    retry_policy retry;
    std::size_t max_body = 4 << 20;
    std::chrono::seconds greeting_limit{30};  // how long the /v2/ greeting may go unanswered
    std::string skip_verification_hint;       // see session_options
};

}  // namespace lading::registry::sansio
