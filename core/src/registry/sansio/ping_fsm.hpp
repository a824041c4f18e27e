// The first exchange with a registry, without I/O: GET /v2/ over https, or over plain http
// when the host configuration says so or when https fails on a registry that may speak
// http (registry.insecure, or a loopback address, as docker allows); a certificate that does
// not verify is an answer, never a reason to try http. 408, 429 and 5xx are retried with
// backoff; network failures on http too (on https a failure may rather mean the registry
// speaks http). A 401 teaches the authenticator the registry's challenge.
#pragma once

#include "registry/http_types.hpp"

#include "action.hpp"
#include "authenticator.hpp"
#include "registry_settings.hpp"

#include <boost/system/error_code.hpp>

#include <string_view>

namespace lading::registry::sansio {

class ping_fsm {
public:
    // `settings` and `auth` must outlive the machine.
    ping_fsm(const registry_settings& settings, authenticator& auth);

    action start();
    action on_response(const http_response& r);
    action on_transport_failure(const boost::system::error_code& ec, std::string_view text);
    action on_local_failure(std::error_code code, std::string_view text);
    action on_timer_expired();
    action on_cancelled();

    // Where the registry is reached: https://host/ or http://host/.
    const url& base() const { return base_; }
    int attempt() const { return attempt_; }

private:
    enum class state { idle, sending, waiting, finished };

    action send();
    action begin_http();
    action conclude(const http_response& r);
    action finish(action a);
    void expect(state s) const;

    const registry_settings& settings_;
    authenticator& auth_;
    state state_ = state::idle;
    url base_;
    int attempt_ = 1;
    std::string https_failure_;  // why https failed, when it did
};

}  // namespace lading::registry::sansio
