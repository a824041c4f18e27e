#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include "request_fsm.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace lading::registry::sansio {

namespace {

constexpr int redirect_limit = 5;

bool is_redirect(unsigned status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The Retry-After value of a response, when it has one.
std::optional<std::string_view> retry_after_of(const std::string& header)
{
    return header.empty() ? std::nullopt : std::optional<std::string_view>(header);
}

}  // namespace

std::string registry_error_text(const std::string& body)
{
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    auto* errors = v.as_object().if_contains("errors");
    if (!errors || !errors->is_array() || errors->as_array().empty()) return {};
    const auto& first = errors->as_array().front();
    if (!first.is_object()) return {};
    std::string text;
    if (auto* c = first.as_object().if_contains("code"); c && c->is_string()) text = std::string(c->get_string());
    if (auto* m = first.as_object().if_contains("message"); m && m->is_string())
        text += (text.empty() ? "" : ": ") + std::string(m->get_string());
    return text;
}

request_fsm::request_fsm(const request_spec& spec, const registry_settings& settings, authenticator& auth)
    : spec_(spec), settings_(settings), auth_(auth)
{
}

void request_fsm::expect(state s) const
{
    if (state_ != s) throw std::logic_error("registry request state machine resumed with an event it does not await");
}

std::string request_fsm::prefix() const { return "registry " + settings_.host + ": " + spec_.what + ": "; }

std::string request_fsm::describe(const http_response& r) const
{
    std::string text = "registry " + settings_.host + ": " + spec_.what + ": HTTP " + std::to_string(r.status);
    if (auto code = registry_error_text(r.body); !code.empty()) text += " (" + code + ")";
    return text;
}

action request_fsm::finish(action a)
{
    state_ = state::finished;
    return a;
}

action request_fsm::start()
{
    expect(state::idle);
    try {
        first_target_ = spec_.target.starts_with("/") ? settings_.base.resolve(spec_.target) : url::parse(spec_.target);
    } catch (const error& e) {
        return finish(action::fail({errc::request_failed, e.what(), {}}));
    }
    target_ = first_target_;
    return next_send();
}

action request_fsm::next_send()
{
    const auto limit = spec_.max_body.value_or(settings_.max_body);
    // Credentials only ever go to the registry's own origin, never to a redirect target.
    if (spec_.authenticate && target_.same_origin(settings_.base)) {
        auto auth = auth_.for_request();
        if (auth.needs_token) {
            state_ = state::fetching_token;
            return action::fetch_token();
        }
        state_ = state::sending;
        return action::send(target_, auth.header, limit);
    }
    state_ = state::sending;
    return action::send(target_, {}, limit);
}

action request_fsm::on_token(const std::string& token)
{
    expect(state::fetching_token);
    state_ = state::sending;
    return action::send(target_, "Bearer " + token, spec_.max_body.value_or(settings_.max_body));
}

action request_fsm::on_token_failure(std::error_code code, std::string_view text)
{
    expect(state::fetching_token);
    return finish(action::fail({code, prefix() + std::string(text), {}}));
}

action request_fsm::on_response(const http_response& r)
{
    expect(state::sending);
    if (std::find(spec_.expected.begin(), spec_.expected.end(), r.status) != spec_.expected.end())
        return finish(action::done());
    if (r.status == 401 && spec_.authenticate && target_.same_origin(settings_.base) && !reauthenticated_)
        return reauthenticate(r);
    if (r.status == 401 && spec_.authenticate && !auth_.has_credentials() && auth_.scheme() == auth_scheme::bearer &&
        target_.same_origin(settings_.base))
        return finish(action::fail({errc::credentials_required,
                                    "registry " + settings_.host + " needs credentials for " + spec_.what +
                                        " (an anonymous token was not enough): run lading login " + settings_.host,
                                    {}}));
    if (r.status == 401 && spec_.authenticate)
        return finish(action::fail({errc::authentication_failed,
                                    "authentication to " + settings_.host + " failed for " + spec_.what +
                                        " (HTTP 401): check the credentials with lading login " + settings_.host,
                                    {}}));
    if (is_redirect(r.status) && spec_.follow_redirects && ++redirects_ <= redirect_limit) return redirect(r);
    const bool retryable = retry_policy::retryable_status(r.status);
    if (retryable && attempt_ < settings_.retry.max_attempts) {
        auto header = r.header(http::field::retry_after);
        return retry_after(settings_.retry.delay(attempt_, retry_after_of(header)));
    }
    return finish(action::fail(
        {errc::unexpected_status,
         describe(r) + (retryable ? " after " + std::to_string(attempt_) + " attempts" : std::string()), r.status}));
}

action request_fsm::reauthenticate(const http_response& r)
{
    reauthenticated_ = true;
    const auto previous = auth_.scheme();
    if (auto f = auth_.learn_challenge(r.header(http::field::www_authenticate))) return finish(action::fail(*f));
    if (auth_.scheme() == auth_scheme::bearer) auth_.forget_token(spec_.scopes);
    if (auth_.scheme() == auth_scheme::basic && !auth_.has_credentials())
        return finish(action::fail({errc::credentials_required,
                                    "registry " + settings_.host + " needs credentials: run lading login " + settings_.host,
                                    {}}));
    if (previous == auth_scheme::basic && auth_.scheme() == auth_scheme::basic)
        return finish(action::fail({errc::authentication_failed,
                                    "authentication to " + settings_.host +
                                        " failed (HTTP 401): check the credentials with lading login " + settings_.host,
                                    {}}));
    return next_send();  // the same attempt, now with credentials
}

action request_fsm::redirect(const http_response& r)
{
    auto location = r.header(http::field::location);
    if (location.empty()) return finish(action::fail({errc::bad_redirect, describe(r) + " redirect without Location", {}}));
    url next;
    try {
        next = target_.resolve(location);
    } catch (const error& e) {
        return finish(action::fail({errc::bad_redirect, e.what(), {}}));
    }
    if (target_.scheme == "https" && next.scheme == "http" && !settings_.insecure)
        return finish(action::fail({errc::insecure_redirect,
                                    "registry " + settings_.host + " redirected " + spec_.what +
                                        " from https to http; refusing",
                                    {}}));
    target_ = std::move(next);
    return next_send();  // a redirect is not another attempt
}

action request_fsm::retry_after(std::chrono::milliseconds delay)
{
    state_ = state::waiting;
    return action::wait(delay);
}

action request_fsm::on_timer_expired()
{
    expect(state::waiting);
    // A retry asks the registry again: a redirect it gave (a signed storage URL) may have
    // expired or may be what failed.
    target_ = first_target_;
    redirects_ = 0;
    ++attempt_;
    return next_send();
}

action request_fsm::on_transport_failure(const boost::system::error_code&, std::string_view text)
{
    expect(state::sending);
    if (attempt_ >= settings_.retry.max_attempts)
        return finish(action::fail({errc::network_failure,
                                    prefix() + std::string(text) + " (after " + std::to_string(attempt_) + " attempts)",
                                    {}}));
    return retry_after(settings_.retry.delay(attempt_));
}

action request_fsm::on_local_failure(std::error_code code, std::string_view text)
{
    expect(state::sending);
    return finish(action::fail({code, prefix() + std::string(text), {}}));
}

action request_fsm::on_cancelled()
{
    if (state_ == state::idle || state_ == state::finished)
        throw std::logic_error("registry request state machine cancelled while no action was under way");
    return finish(action::fail({errc::interrupted, prefix() + "interrupted", {}}));
}

}  // namespace lading::registry::sansio
