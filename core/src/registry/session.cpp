#include <lading/error.hpp>
#include "registry/challenge.hpp"
#include "registry/loopback_host.hpp"
#include "registry/session.hpp"
#include "registry/tls_settings.hpp"

#include <lading/formats/base64.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>

namespace lading::registry {

namespace asio = boost::asio;
using asio::use_awaitable;

namespace {

constexpr std::size_t token_body_limit = 1 << 20;

std::string scope_key(std::vector<std::string> scopes)
{
    std::sort(scopes.begin(), scopes.end());
    std::string key;
    for (const auto& s : scopes) key += s + " ";
    return key;
}

bool is_network_error(const std::exception_ptr& e)
{
    try {
        std::rethrow_exception(e);
    } catch (const boost::system::system_error&) {
        return true;
    } catch (...) {
        return false;
    }
}

std::string exception_text(const std::exception_ptr& e)
{
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown error";
    }
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(use_awaitable);
}

// The registry's error code and message from its JSON error body, when it sent one.
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

}  // namespace

session_options options_for(const std::string& host, const host_config* hosts, bool insecure)
{
    session_options o;
    o.insecure = insecure;
    o.retry = retry_policy::from_environment();
    o.credentials = find_credential(host);
    if (const auto* r = hosts ? hosts->registry(host) : nullptr) {
        o.insecure = o.insecure || r->insecure;
        o.plain_http = r->http;
        o.extra_ca = r->ca;
    }
    return o;
}

session::session(asio::any_io_executor ex, std::string host, session_options options)
    : ex_(std::move(ex)), host_(std::move(host)), options_(std::move(options))
{
    base_ = url::parse("https://" + host_ + "/");
}

session::~session() = default;

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
        bool verify = !(options_.insecure && u.host_port() == base_.host_port());
        if (!ctx) ctx = make_tls_context(u.host_port(), verify, options_.extra_ca);
        tls = ctx;
    }
    return std::make_unique<connection>(ex_, u, tls, options_.limits);
}

void session::release(std::unique_ptr<connection> c)
{
    auto& idle = idle_[c->origin().origin()];
    if (idle.size() < 8) idle.push_back(std::move(c));
}

asio::awaitable<void> session::ping()
{
    request_spec spec;
    spec.target = "/v2/";
    spec.expected = {200, 401};
    spec.follow_redirects = false;
    spec.what = "the /v2/ endpoint";
    spec.authenticate = false;
    auto accept = [&](const http_response& r) {
        if (r.status == 401) learn_challenge(r);
        else if (r.status != 200)
            throw registry_error("registry " + host_ + " answered " + std::to_string(r.status) + " on /v2/" +
                                     (retry_policy::retryable_status(r.status)
                                          ? " " + std::to_string(options_.retry.max_attempts) + " times"
                                          : "; is it a registry?"),
                                 r.status);
    };
    std::string https_failure;
    if (!options_.plain_http) {
        try {
            accept(co_await ping_with_retries(spec, base_.resolve("/v2/"), false));
            co_return;
        } catch (const boost::system::system_error& e) {
            https_failure = e.what();
        }
        // Insecure and loopback registries may speak plain http, as with docker; a
        // certificate that does not verify is an answer, not a reason to try http.
        const bool certificate_problem = https_failure.find("certificate") != std::string::npos;
        // An alert about a certificate comes from the registry rejecting ours (or its lack).
        const bool client_certificate_refused = https_failure.find("alert") != std::string::npos;
        if ((!options_.insecure && !is_loopback_host(host_)) || certificate_problem)
            throw error("cannot reach registry " + host_ + " over https: " + https_failure +
                        (client_certificate_refused
                             ? " (the registry wants a client certificate it trusts: certs.d/" + host_ +
                                   "/client.cert with client.key)"
                         : certificate_problem
                             ? " (add its CA as certs.d/" + host_ + "/ca.crt, or use registry.insecure=true)"
                             : ""));
    }
    base_ = url::parse("http://" + host_ + "/");
    http_response r;
    try {
        r = co_await ping_with_retries(spec, base_.resolve("/v2/"), true);
    } catch (const boost::system::system_error& e) {
        throw error("cannot reach registry " + host_ + (https_failure.empty() ? "" : " over https (" + https_failure + ") nor") +
                    " over http (" + e.what() + ")");
    }
    // A TLS-only server answers plain http with 400: the https failure is the real story.
    if (r.status == 400 && !https_failure.empty())
        throw error("cannot reach registry " + host_ + " over https: " + https_failure);
    accept(r);
}

asio::awaitable<http_response> session::ping_with_retries(const request_spec& spec, const url& target,
                                                          bool retry_network_failures)
{
    for (int attempt_no = 1;; ++attempt_no) {
        http_response r;
        bool network_failure = false;
        try {
            r = co_await attempt(spec, target, false);
        } catch (const boost::system::system_error&) {
            if (!retry_network_failures || attempt_no >= options_.retry.max_attempts) throw;
            network_failure = true;
        }
        if (!network_failure && (!retry_policy::retryable_status(r.status) || attempt_no >= options_.retry.max_attempts))
            co_return r;
        auto retry_after = r.header(http::field::retry_after);
        co_await sleep_for(options_.retry.delay(
            attempt_no, retry_after.empty() ? std::nullopt : std::optional<std::string_view>(retry_after)));
    }
}

void session::learn_challenge(const http_response& r)
{
    auto header = r.header(http::field::www_authenticate);
    if (header.empty()) throw error("registry " + host_ + " asks for authentication but sends no WWW-Authenticate header");
    std::vector<challenge> challenges;
    try {
        challenges = parse_challenges(header);
    } catch (const error& e) {
        throw error("registry " + host_ + ": " + e.what());
    }
    for (const auto& c : challenges) {
        if (c.scheme == "bearer") {
            if (!c.params.count("realm")) throw error("registry " + host_ + " sent a Bearer challenge without a realm");
            auth_scheme_ = "bearer";
            challenge_params_ = c.params;
            return;
        }
        if (c.scheme == "basic") {
            auth_scheme_ = "basic";
            challenge_params_ = c.params;
            return;
        }
    }
    throw error("registry " + host_ + " asks for an authentication scheme lading does not speak: " + header.substr(0, 100));
}

asio::awaitable<std::string> session::fetch_token(const std::vector<std::string>& scopes)
{
    auto realm = url::parse(challenge_params_.at("realm"));
    // A registry reached over https must not send credentials to a plain-http realm.
    if (realm.scheme == "http" && base_.scheme == "https" && !options_.insecure)
        throw error("registry " + host_ + " points its token realm at plain http (" + realm.origin() +
                    "); refusing to send credentials there");
    std::string query;
    if (auto s = challenge_params_.find("service"); s != challenge_params_.end())
        query += "service=" + query_escape(s->second);
    for (const auto& scope : scopes) query += std::string(query.empty() ? "" : "&") + "scope=" + query_escape(scope);

    request_spec spec;
    spec.what = "a token from " + realm.origin();
    spec.expected = {200};
    spec.follow_redirects = false;
    spec.authenticate = false;
    const auto& cred = options_.credentials;
    std::string form;
    request_body form_body;
    if (cred && (!cred->identity_token.empty() || !refresh_token_.empty())) {
        spec.method = http::verb::post;
        spec.target = realm.str();
        auto refresh = !refresh_token_.empty() ? refresh_token_ : cred->identity_token;
        form = "grant_type=refresh_token&client_id=lading&refresh_token=" + query_escape(refresh);
        if (auto s = challenge_params_.find("service"); s != challenge_params_.end())
            form += "&service=" + query_escape(s->second);
        std::string joined;
        for (const auto& sc : scopes) joined += (joined.empty() ? "" : " ") + sc;
        form += "&scope=" + query_escape(joined);
        form_body.size = form.size();
        form_body.content_type = "application/x-www-form-urlencoded";
        form_body.open = [&form] {
            return std::make_unique<memory_source>(
                std::span(reinterpret_cast<const std::uint8_t*>(form.data()), form.size()));
        };
        spec.body = &form_body;
    } else {
        spec.method = http::verb::get;
        auto target = realm;
        target.target += (target.target.find('?') == std::string::npos ? "?" : "&") + query;
        spec.target = target.str();
        if (cred && !cred->username.empty())
            spec.headers.set(http::field::authorization, "Basic " + formats::base64_encode(cred->username + ":" + cred->password));
    }
    spec.max_body = token_body_limit;
    http_response r;
    try {
        r = co_await send(spec);
    } catch (const registry_error& e) {
        if (e.status() == 401 || e.status() == 403)
            throw error("authentication to " + host_ + " failed: the token server refused the credentials (" +
                        std::to_string(e.status()) + "); check them with lading login " + host_);
        throw;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) throw error("token server " + realm.origin() + " returned something that is not JSON");
    const auto& o = v.as_object();
    std::string token;
    for (const char* key : {"token", "access_token"})
        if (auto* t = o.if_contains(key); t && t->is_string() && !t->get_string().empty()) token = std::string(t->get_string());
    if (token.empty()) throw error("token server " + realm.origin() + " returned no token");
    if (auto* rt = o.if_contains("refresh_token"); rt && rt->is_string()) refresh_token_ = std::string(rt->get_string());
    std::int64_t expires_in = 60;
    if (auto* e = o.if_contains("expires_in"); e && e->is_int64()) expires_in = std::max<std::int64_t>(60, e->get_int64());
    // Refresh a little early so that a long upload does not start with a token about to expire.
    tokens_[scope_key(scopes)] = {token, std::chrono::steady_clock::now() + std::chrono::seconds(expires_in - 10)};
    co_return token;
}

asio::awaitable<std::string> session::bearer_token(const std::vector<std::string>& scopes)
{
    auto key = scope_key(scopes);
    if (auto it = tokens_.find(key); it != tokens_.end() && it->second.expires > std::chrono::steady_clock::now())
        co_return it->second.token;
    co_return co_await fetch_token(scopes);
}

asio::awaitable<http_response> session::attempt(const request_spec& spec, const url& target, bool with_auth)
{
    http::fields headers = spec.headers;
    if (with_auth && target.same_origin(base_)) {
        const auto& cred = options_.credentials;
        if (cred && !cred->registry_token.empty()) {
            headers.set(http::field::authorization, "Bearer " + cred->registry_token);
        } else if (auth_scheme_ == "basic" && cred) {
            headers.set(http::field::authorization, "Basic " + formats::base64_encode(cred->username + ":" + cred->password));
        } else if (auth_scheme_ == "bearer") {
            headers.set(http::field::authorization, "Bearer " + co_await bearer_token(spec.scopes));
        }
    }
    auto c = acquire(target);
    if (spec.on_attempt) (*spec.on_attempt)();
    auto r = co_await c->send(spec.method, target.target, headers, spec.body, spec.max_body.value_or(options_.max_body),
                               spec.consume);
    if (spec.body) bytes_sent_ += spec.body->size;
    release(std::move(c));
    co_return r;
}

std::string session::describe_failure(const request_spec& spec, const http_response& r) const
{
    std::string text = "registry " + host_ + ": " + spec.what + ": HTTP " + std::to_string(r.status);
    if (auto code = registry_error_text(r.body); !code.empty()) text += " (" + code + ")";
    return text;
}

asio::awaitable<http_response> session::send(const request_spec& spec)
{
    const url first_target = spec.target.starts_with("/") ? base_.resolve(spec.target) : url::parse(spec.target);
    url target = first_target;
    int redirects = 0;
    // A retry asks the registry again: a redirect it gave (a signed storage URL) may have
    // expired or may be what failed.
    auto start_over = [&] {
        target = first_target;
        redirects = 0;
    };
    bool reauthenticated = false;
    for (int attempt_no = 1;; ++attempt_no) {
        http_response r;
        std::exception_ptr failure;
        try {
            r = co_await attempt(spec, target, spec.authenticate);
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) {
            // A cancelled push stops here; it is not a network fault to retry.
            if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
                throw error("registry " + host_ + ": " + spec.what + ": interrupted");
            if (!is_network_error(failure) || attempt_no >= options_.retry.max_attempts)
                throw error("registry " + host_ + ": " + spec.what + ": " + exception_text(failure) +
                            (is_network_error(failure) ? " (after " + std::to_string(attempt_no) + " attempts)" : ""));
            co_await sleep_for(options_.retry.delay(attempt_no));
            start_over();
            continue;
        }
        if (std::find(spec.expected.begin(), spec.expected.end(), r.status) != spec.expected.end()) co_return r;

        if (r.status == 401 && spec.authenticate && target.same_origin(base_) && !reauthenticated) {
            reauthenticated = true;
            auto previous = auth_scheme_;
            learn_challenge(r);
            if (auth_scheme_ == "bearer") tokens_.erase(scope_key(spec.scopes));
            if (auth_scheme_ == "basic" && !options_.credentials)
                throw error("registry " + host_ + " needs credentials: run lading login " + host_);
            if (previous == auth_scheme_ && auth_scheme_ == "basic")
                throw error("authentication to " + host_ + " failed (HTTP 401): check the credentials with lading login " + host_);
            --attempt_no;
            continue;
        }
        if (r.status == 401 && spec.authenticate)
            throw error("authentication to " + host_ + " failed for " + spec.what +
                        " (HTTP 401): check the credentials with lading login " + host_);
        if ((r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308) &&
            spec.follow_redirects && ++redirects <= 5) {
            auto location = r.header(http::field::location);
            if (location.empty()) throw error(describe_failure(spec, r) + " redirect without Location");
            auto next = target.resolve(location);
            if (target.scheme == "https" && next.scheme == "http" && !options_.insecure)
                throw error("registry " + host_ + " redirected " + spec.what + " from https to http; refusing");
            target = next;
            --attempt_no;
            continue;
        }
        if (retry_policy::retryable_status(r.status) && attempt_no < options_.retry.max_attempts) {
            auto retry_after = r.header(http::field::retry_after);
            co_await sleep_for(options_.retry.delay(
                attempt_no, retry_after.empty() ? std::nullopt : std::optional<std::string_view>(retry_after)));
            start_over();
            continue;
        }
        throw registry_error(describe_failure(spec, r) +
                                 (retry_policy::retryable_status(r.status)
                                      ? " after " + std::to_string(attempt_no) + " attempts"
                                      : std::string()),
                             r.status);
    }
}

}  // namespace lading::registry
