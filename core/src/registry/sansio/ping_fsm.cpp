#include <lading/registry/errc.hpp>
#include "registry/host_address.hpp"

#include "ping_fsm.hpp"
#include "tls_failure.hpp"

#include <boost/beast/core/error.hpp>

#include <stdexcept>

namespace lading::registry::sansio {

ping_fsm::ping_fsm(const registry_settings& settings, authenticator& auth) : settings_(settings), auth_(auth) {}

void ping_fsm::expect(state s) const
{
    if (state_ != s) throw std::logic_error("registry ping state machine resumed with an event it does not await");
}

action ping_fsm::finish(action a)
{
    state_ = state::finished;
    return a;
}

action ping_fsm::send()
{
    state_ = state::sending;
    return action::send(base_.resolve("/v2/"), {}, settings_.max_body);
}

action ping_fsm::start()
{
    expect(state::idle);
    if (settings_.plain_http) return begin_http();
    base_ = url::parse("https://" + settings_.host + "/");
    return send();
}

action ping_fsm::begin_http()
{
    base_ = url::parse("http://" + settings_.host + "/");
    attempt_ = 1;
    return send();
}

action ping_fsm::on_response(const http_response& r)
{
    expect(state::sending);
    if (retry_policy::retryable_status(r.status) && attempt_ < settings_.retry.max_attempts) {
        auto retry_after = r.header(http::field::retry_after);
        state_ = state::waiting;
        return action::wait(settings_.retry.delay(
            attempt_, retry_after.empty() ? std::nullopt : std::optional<std::string_view>(retry_after)));
    }
    return conclude(r);
}

action ping_fsm::conclude(const http_response& r)
{
    const auto& host = settings_.host;
    // A TLS-only server answers plain http with 400: the https failure is the real story.
    if (base_.scheme == "http" && r.status == 400 && !https_failure_.empty())
        return finish(action::fail({errc::unreachable, "cannot reach registry " + host + " over https: " + https_failure_, {}}));
    if (r.status == 200) return finish(action::done());
    if (r.status == 401) {
        if (auto f = auth_.learn_challenge(r.header(http::field::www_authenticate))) return finish(action::fail(*f));
        return finish(action::done());
    }
    return finish(action::fail({errc::unexpected_status,
                                "registry " + host + " answered " + std::to_string(r.status) + " on /v2/" +
                                    (retry_policy::retryable_status(r.status)
                                         ? " " + std::to_string(settings_.retry.max_attempts) + " times"
                                         : "; is it a registry?"),
                                r.status}));
}

action ping_fsm::on_transport_failure(const boost::system::error_code& ec, std::string_view text)
{
    expect(state::sending);
    const auto& host = settings_.host;
    // A registry that took the connection and said nothing would say nothing over http or to
    // another attempt either: waiting for them is how a push hangs for many minutes. (A
    // connect that timed out is ETIMEDOUT, retried as a refused one is.)
    if (ec == boost::beast::error::timeout)
        return finish(action::fail({errc::unresponsive,
                                    "registry " + host + " took the connection but did not answer on /v2/ (over " +
                                        base_.scheme + ") within " + std::to_string(settings_.greeting_limit.count()) +
                                        " s",
                                    {}}));
    if (base_.scheme == "https") {
        https_failure_ = std::string(text);
        const auto tls = classify_tls_failure(ec);
        if ((!settings_.insecure && !is_loopback_host(host)) || tls.certificate) {
            // An alert about a certificate comes from the registry rejecting ours (or its lack).
            const auto code = tls.peer_alert    ? errc::client_certificate_refused
                              : tls.certificate ? errc::certificate_rejected
                                                : errc::unreachable;
            return finish(action::fail(
                {code,
                 "cannot reach registry " + host + " over https: " + https_failure_ +
                     (tls.peer_alert ? " (the registry wants a client certificate it trusts: certs.d/" + host +
                                           "/client.cert with client.key)"
                      : tls.certificate
                          ? " (add its CA as certs.d/" + host + "/ca.crt, or skip the check with " +
                                settings_.skip_verification_hint + ")"
                          : ""),
                 {}}));
        }
        // Insecure and loopback registries may speak plain http, as with docker.
        return begin_http();
    }
    if (attempt_ < settings_.retry.max_attempts) {
        state_ = state::waiting;
        return action::wait(settings_.retry.delay(attempt_));
    }
    return finish(action::fail({errc::unreachable,
                                "cannot reach registry " + host +
                                    (https_failure_.empty() ? "" : " over https (" + https_failure_ + ") nor") +
                                    " over http (" + std::string(text) + ")",
                                {}}));
}

action ping_fsm::on_local_failure(std::error_code code, std::string_view text)
{
    expect(state::sending);
    return finish(action::fail({code, std::string(text), {}}));
}

action ping_fsm::on_timer_expired()
{
    expect(state::waiting);
    ++attempt_;
    return send();
}

action ping_fsm::on_cancelled()
{
    if (state_ == state::idle || state_ == state::finished)
        throw std::logic_error("registry ping state machine cancelled while no action was under way");
    return finish(action::fail({errc::interrupted, "registry " + settings_.host + ": the /v2/ endpoint: interrupted", {}}));
}

}  // namespace lading::registry::sansio
