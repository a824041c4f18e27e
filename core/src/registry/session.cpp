#include <lading/error.hpp>
#include <lading/registry/errc.hpp>
#include "registry/session.hpp"
#include "registry/greetings_table.hpp"
#include "registry/shared_tokens.hpp"
#include "registry/onward_address.hpp"
#include "registry/tls_settings.hpp"
#include "registry/upload_chunk_notes.hpp"

#include "sansio/authenticator.hpp"
#include "sansio/ping_fsm.hpp"
#include "sansio/request_fsm.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <variant>

namespace lading::registry {

namespace asio = boost::asio;
using asio::use_awaitable;
using sansio::action;

namespace {

constexpr std::size_t token_body_limit = 1 << 20;
// What a request's answer may take beside the retries' waits, for sessions waiting for
// another one's greeting or token (see session::take_turn).
constexpr std::chrono::seconds answer_allowance{5};

// How a failure that is not the registry's answer reached the session.
struct thrown_failure {
    std::error_code code;
    std::string text;
};

thrown_failure local_failure_of(const std::exception_ptr& e)
{
    try {
        std::rethrow_exception(e);
    } catch (const error& x) {
        return {x.code() ? x.code() : make_error_code(errc::request_failed), x.what()};
    } catch (const std::exception& x) {
        return {errc::request_failed, x.what()};
    } catch (...) {
        return {errc::request_failed, "unknown error"};
    }
}

[[noreturn]] void raise(const sansio::failure& f)
{
    if (f.status) throw registry_error(f.message, *f.status);
    throw error(f.code, f.message);
}

// Whether the awaiting coroutine was cancelled, from its state (co_await
// this_coro::cancellation_state). Not a coroutine of its own: awaiting one throws
// operation_aborted once the caller is cancelled (unless it turned throw_if_cancelled off),
// which would skip the errc::interrupted that callers are promised.
bool was_cancelled(const asio::cancellation_state& state)
{
    return state.cancelled() != asio::cancellation_type::none;
}

// Sleeps `d`; false when the caller cancelled the wait.
asio::awaitable<bool> pause(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    bool expired = true;
    try {
        co_await t.async_wait(use_awaitable);
    } catch (const boost::system::system_error&) {
        expired = false;
    }
    co_return expired;
}

}  // namespace

// The result of one exchange: the registry's answer, a network failure (with the
// transport's code), or a failure on lading's side.
struct session::attempt_outcome {
    std::optional<http_response> response;
    std::optional<boost::system::error_code> transport_error;
    thrown_failure failure;
};

session_options options_for(const std::string& host, const host_config* hosts, bool insecure,
                            std::shared_ptr<greetings> greeted)
{
    session_options o;
    o.insecure = insecure;
    o.greeted = std::move(greeted);
    o.retry = retry_policy::from_environment();
    o.credentials = find_credential(host);
    o.upload_chunk_size = remembered_upload_chunk_size(host);
    if (const auto* r = hosts ? hosts->registry(host) : nullptr) {
        o.insecure = o.insecure || r->insecure;
        o.plain_http = r->http;
        o.extra_ca = r->ca;
    }
    return o;
}

session::session(asio::any_io_executor ex, std::string host, session_options options)
    : ex_(std::move(ex)), host_(std::move(host)), options_(std::move(options)),
      upload_chunk_size_(options_.upload_chunk_size)
{
    settings_ = std::make_unique<sansio::registry_settings>(sansio::registry_settings{
        host_, url::parse("https://" + host_ + "/"), options_.insecure, options_.plain_http, options_.retry,
        options_.max_body, options_.limits.greeting,
        options_.skip_verification_hint.empty() ? "\"insecure\": true for " + host_ + " in lading's host configuration"
                                                : options_.skip_verification_hint});
    auth_ = std::make_unique<sansio::authenticator>(host_, options_.credentials, options_.insecure);
    registry_reach_ = reach_of(settings_->base.host);
}

session::~session() = default;

const url& session::base() const { return settings_->base; }

std::unique_ptr<connection> session::acquire(const url& u)
{
    auto& idle = idle_[u.origin()];
    if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
    }
    std::shared_ptr<asio::ssl::context> tls;
    if (u.scheme == "https") {
        auto& ctx = tls_[u.host_port()];
        bool verify = !(options_.insecure && u.host_port() == settings_->base.host_port());
        if (!ctx) ctx = make_tls_context(u.host_port(), verify, options_.extra_ca);
        tls = ctx;
    }
    address_check onward;
    if (u.host != settings_->base.host)
        onward = [this, host = u.host](const asio::ip::address& a) {
            return onward_refusal(settings_->base.host, registry_reach_, host, a);
        };
    return std::make_unique<connection>(ex_, u, tls, options_.limits, std::move(onward));
}

void session::release(std::unique_ptr<connection> c)
{
    auto& idle = idle_[c->origin().origin()];
    if (idle.size() < 8) idle.push_back(std::move(c));
}

asio::awaitable<session::attempt_outcome> session::attempt(const request_spec& spec, const url& target,
                                                           const std::string& authorization,
                                                           std::size_t body_limit)
{
    http::fields headers = spec.headers;
    if (!authorization.empty()) headers.set(http::field::authorization, authorization);
    attempt_outcome outcome;
    std::exception_ptr thrown;
    try {
        auto c = acquire(target);
        if (spec.on_attempt) (*spec.on_attempt)();
        outcome.response =
            co_await c->send(spec.method, target.target, headers, spec.body, body_limit, spec.consume, spec.idle_limit);
        if (auto reached = c->peer(); reached && target.host == settings_->base.host)
            registry_reach_ = std::max(registry_reach_, reach_of(*reached));
        if (spec.body) bytes_sent_ += spec.body->size;
        release(std::move(c));
    } catch (const boost::system::system_error& e) {
        outcome.transport_error = e.code();
        // what() would add Boost's source location of the error ("[system:111 at /usr/include/...]").
        outcome.failure.text = e.code().message();
    } catch (...) {
        thrown = std::current_exception();
    }
    if (thrown) outcome.failure = local_failure_of(thrown);
    co_return outcome;
}

template <class Machine>
asio::awaitable<http_response> session::drive(Machine& machine, const request_spec& spec)
{
    http_response last;
    auto next = machine.start();
    for (;;) {
        switch (next.type) {
        case action::kind::done:
            co_return last;
        case action::kind::fail:
            raise(next.error);
        case action::kind::wait: {
            // (co_await stays out of conditions: GCC 12 miscompiles some of those.)
            const bool expired = co_await pause(next.delay);
            next = expired ? machine.on_timer_expired() : machine.on_cancelled();
            break;
        }
        case action::kind::fetch_token:
            if constexpr (requires { machine.on_token(std::string()); }) {
                std::string token;
                std::exception_ptr thrown;
                try {
                    token = co_await bearer_token(spec.scopes);
                } catch (...) {
                    thrown = std::current_exception();
                }
                const bool stopped = was_cancelled(co_await asio::this_coro::cancellation_state);
                if (stopped) {
                    next = machine.on_cancelled();
                } else if (!thrown) {
                    next = machine.on_token(token);
                } else {
                    auto f = local_failure_of(thrown);
                    next = machine.on_token_failure(f.code, f.text);
                }
                break;
            } else {
                throw std::logic_error("a registry state machine asked for a token it cannot use");
            }
        case action::kind::send: {
            auto outcome = co_await attempt(spec, next.target, next.authorization, next.body_limit);
            const bool stopped = was_cancelled(co_await asio::this_coro::cancellation_state);
            if (outcome.response) {
                last = std::move(*outcome.response);
                next = machine.on_response(last);
            } else if (stopped) {
                // A cancelled operation stops here; it is not a network fault to retry.
                next = machine.on_cancelled();
            } else if (outcome.transport_error) {
                next = machine.on_transport_failure(*outcome.transport_error, outcome.failure.text);
            } else {
                next = machine.on_local_failure(outcome.failure.code, outcome.failure.text);
            }
            break;
        }
        }
    }
}

asio::awaitable<void> session::ping()
{
    if (!options_.greeted) {
        co_await greet();
        co_return;
    }
    auto& learned = options_.greeted->learned();
    const auto key = greeting_key(host_, options_.insecure, options_.plain_http, options_.extra_ca);
    if (auto known = learned.find(key); known && take_greeting(*known)) co_return;
    const auto asked = std::chrono::steady_clock::now();
    auto lead = co_await take_turn(learned.under_way, key, "the /v2/ endpoint", options_.limits.greeting);
    if (!lead) {
        if (auto known = learned.find(key); known && take_greeting(*known)) co_return;
        // The greeting this session waited for went unanswered: asking again would wait as
        // long again for nothing. (Other failures may pass: this session tries itself.)
        if (auto failed = learned.failure_since(key, asked)) throw error(failed->code, failed->message);
    }
    try {
        co_await greet();
    } catch (const error& e) {
        // Only the flight's lead speaks for the sessions that waited on it.
        if (lead && e.code() == errc::unresponsive)
            learned.keep_failure(key, {e.code(), e.what(), std::chrono::steady_clock::now()});
        throw;
    }
    learned.keep(key, {settings_->base, challenge_, registry_reach_});
}

asio::awaitable<std::optional<async::single_flight::lead>> session::take_turn(async::single_flight& flights,
                                                                               const std::string& key,
                                                                               const char* what,
                                                                               std::chrono::seconds longest)
{
    // About as long as this session's own retries would take: a session that must fail fast,
    // with one attempt, does not wait out another one's backoff.
    auto lead = co_await flights.lead_or_wait(key, options_.retry.total_backoff() + longest);
    // A cancelled waiter stops here, before it takes what another session got. (co_await
    // stays out of conditions: GCC 12 miscompiles some of those.)
    const bool stopped = was_cancelled(co_await asio::this_coro::cancellation_state);
    if (!lead && stopped)
        throw error(errc::interrupted, "registry " + host_ + ": " + std::string(what) + ": interrupted");
    co_return lead;
}

bool session::take_greeting(const greeting& g)
{
    if (g.challenge && auth_->learn_challenge(*g.challenge)) return false;
    settings_->base = g.base;
    challenge_ = g.challenge;
    registry_reach_ = std::max(registry_reach_, g.reach);
    return true;
}

asio::awaitable<void> session::greet()
{
    request_spec spec;
    spec.target = "/v2/";
    spec.expected = {200, 401};
    spec.follow_redirects = false;
    spec.what = "the /v2/ endpoint";
    spec.authenticate = false;
    spec.idle_limit = options_.limits.greeting;
    sansio::ping_fsm machine(*settings_, *auth_);
    std::exception_ptr failure;
    try {
        auto answer = co_await drive(machine, spec);
        challenge_.reset();
        if (answer.status == 401) challenge_ = std::string(answer.header(http::field::www_authenticate));
    } catch (...) {
        failure = std::current_exception();
    }
    if (!machine.base().scheme.empty()) settings_->base = machine.base();
    if (failure) std::rethrow_exception(failure);
}

asio::awaitable<std::string> session::bearer_token(const std::vector<std::string>& scopes)
{
    const auto now = std::chrono::steady_clock::now();
    if (auto cached = auth_->cached_token(scopes, now)) co_return *cached;
    // Another session of this process may have one for the same registry, credentials and
    // scopes. After a 401 the key is empty: the token is fetched anew, and the new one shared.
    auto& shared = shared_tokens::of_process();
    const auto key = auth_->sharing_key(scopes, settings_->base);
    // Sessions asking at once take turns: the first fetches, the others wait for its token.
    std::optional<async::single_flight::lead> lead;
    if (!key.empty()) {
        if (auto found = shared.find(key, now)) {
            auth_->adopt_token(scopes, *found, now);
            co_return found->token;
        }
        lead = co_await take_turn(shared.fetches(), key, "a token", answer_allowance);
        if (!lead) {
            const auto later = std::chrono::steady_clock::now();
            if (auto found = shared.find(key, later)) {
                auth_->adopt_token(scopes, *found, later);
                co_return found->token;
            }
        }
    }
    auto token = co_await fetch_token(scopes);
    // Shared under the key of the credentials it was asked with (a refresh token it brought
    // changes them for this session's later requests), unless another request of this
    // session replaced it meanwhile.
    const auto after = std::chrono::steady_clock::now();
    const auto shared_key = key.empty() ? auth_->sharing_key(scopes, settings_->base) : key;
    if (auto kept = auth_->kept_token(scopes, after); kept && kept->token == token && !shared_key.empty())
        shared.keep(shared_key, *kept, after);
    co_return token;
}

asio::awaitable<std::string> session::fetch_token(const std::vector<std::string>& scopes)
{
    auto planned = auth_->request_token(scopes, settings_->base);
    if (auto* f = std::get_if<sansio::failure>(&planned)) raise(*f);
    const auto& plan = std::get<sansio::token_request>(planned);

    request_spec spec;
    spec.method = plan.method;
    spec.target = plan.target;
    spec.what = "a token from " + plan.realm_origin;
    spec.expected = {200};
    spec.follow_redirects = false;
    spec.authenticate = false;
    spec.max_body = token_body_limit;
    if (!plan.authorization.empty()) spec.headers.set(http::field::authorization, plan.authorization);
    request_body form_body;
    if (!plan.form.empty()) {
        form_body.size = plan.form.size();
        form_body.content_type = "application/x-www-form-urlencoded";
        form_body.open = [&plan] {
            return std::make_unique<memory_source>(
                std::span(reinterpret_cast<const std::uint8_t*>(plan.form.data()), plan.form.size()));
        };
        spec.body = &form_body;
    }
    http_response r;
    try {
        r = co_await send(spec);
    } catch (const registry_error& e) {
        if ((e.status() == 401 || e.status() == 403) && !options_.credentials)
            throw error(errc::credentials_required, "registry " + host_ + " needs credentials: its token server refused "
                                                    "an anonymous token (" + std::to_string(e.status()) +
                                                    "); run lading login " + host_);
        if (e.status() == 401 || e.status() == 403)
            throw error(errc::authentication_failed,
                        "authentication to " + host_ + " failed: the token server refused the credentials (" +
                            std::to_string(e.status()) + "); check them with lading login " + host_);
        throw;
    }
    auto accepted = auth_->accept_token(r.body, scopes, plan.realm_origin, std::chrono::steady_clock::now());
    if (auto* f = std::get_if<sansio::failure>(&accepted)) raise(*f);
    co_return std::get<std::string>(accepted);
}

asio::awaitable<http_response> session::send(const request_spec& spec)
{
    sansio::request_fsm machine(spec, *settings_, *auth_);
    co_return co_await drive(machine, spec);
}

}  // namespace lading::registry
