// Every decision of one registry request (auth, redirects, retries, failures) driven by hand,
// without sockets.
#include <lading/registry/errc.hpp>

#include "fsm_fixture.hpp"
#include "registry/sansio/request_fsm.hpp"

#include <boost/asio/error.hpp>
#include <catch2/catch.hpp>

#include <cstdlib>

using namespace lading::registry;
using namespace lading::registry::sansio;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

const std::string bearer_challenge = R"(Bearer realm="https://auth.example:443/token",service="reg")";
const boost::system::error_code refused = boost::asio::error::connection_refused;

struct fixture {
    explicit fixture(std::optional<credential> cred = std::nullopt, request_spec s = get_manifest())
        : spec(std::move(s)), auth("reg.example", std::move(cred), false)
    {
    }
    request_spec spec;
    registry_settings settings = settings_for("reg.example");
    authenticator auth;
};

credential user(const std::string& name, const std::string& password) { return {name, password, {}, {}}; }

}  // namespace

TEST_CASE("an accepted status on the first attempt ends the request", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    auto a = m.start();
    REQUIRE(a.type == action_kind::send);
    CHECK(a.target.str() == "https://reg.example:443/v2/app/manifests/1");
    CHECK(a.authorization.empty());
    CHECK(m.on_response(response(200)).type == action_kind::done);
}

TEST_CASE("an absolute target is sent where it points; a malformed one fails at once", "[registry][sansio]")
{
    fixture f;
    f.spec.target = "https://auth.example:443/token?x=1";
    request_fsm m(f.spec, f.settings, f.auth);
    CHECK(m.start().target.str() == "https://auth.example:443/token?x=1");

    f.spec.target = "ftp://nowhere/";
    request_fsm bad(f.spec, f.settings, f.auth);
    auto a = bad.start();
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::request_failed);
}

TEST_CASE("401 with a Bearer challenge: fetch a token, send again with it, same attempt", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    REQUIRE(a.type == action_kind::fetch_token);
    CHECK(f.auth.scheme() == auth_scheme::bearer);
    a = m.on_token("tok");
    REQUIRE(a.type == action_kind::send);
    CHECK(a.authorization == "Bearer tok");
    CHECK(a.target.str() == "https://reg.example:443/v2/app/manifests/1");
    CHECK(m.attempt() == 1);
    CHECK(m.on_response(response(200)).type == action_kind::done);
}

TEST_CASE("a known Bearer scheme fetches the token before the first send", "[registry][sansio]")
{
    fixture f;
    REQUIRE_FALSE(f.auth.learn_challenge(bearer_challenge));
    request_fsm m(f.spec, f.settings, f.auth);
    CHECK(m.start().type == action_kind::fetch_token);
}

TEST_CASE("a second 401 after a fresh token fails as refused credentials", "[registry][sansio]")
{
    fixture f(user("ci", "pw"));
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    m.on_token("tok");
    auto a = m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::authentication_failed);
    CHECK_FALSE(a.error.status);
    CHECK(a.error.message ==
          "authentication to reg.example failed for manifest app:1 (HTTP 401): check the credentials with lading "
          "login reg.example");
}

TEST_CASE("a second 401 after an anonymous token asks for credentials, blaming none", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    m.on_token("anonymous-tok");
    auto a = m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::credentials_required);
    CHECK(a.error.message == "registry reg.example needs credentials for manifest app:1 (an anonymous token was not "
                             "enough): run lading login reg.example");
}

TEST_CASE("a 401 on an expired cached token forgets it and fetches another", "[registry][sansio]")
{
    fixture f;
    REQUIRE_FALSE(f.auth.learn_challenge(bearer_challenge));
    auto now = authenticator::clock::now();
    REQUIRE(std::holds_alternative<std::string>(
        f.auth.accept_token(R"({"token":"old","expires_in":300})", f.spec.scopes, "https://auth.example", now)));
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    m.on_token("old");
    auto a = m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    CHECK(a.type == action_kind::fetch_token);
    CHECK_FALSE(f.auth.cached_token(f.spec.scopes, now));
}

TEST_CASE("401 with a Basic challenge: send again with the credentials", "[registry][sansio]")
{
    fixture f(user("alice", "secret"));
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(response(401, {{"WWW-Authenticate", R"(Basic realm="reg")"}}));
    REQUIRE(a.type == action_kind::send);
    CHECK(a.authorization == "Basic YWxpY2U6c2VjcmV0");
    CHECK(m.on_response(response(200)).type == action_kind::done);
}

TEST_CASE("a Basic challenge without credentials asks for lading login", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(response(401, {{"WWW-Authenticate", R"(Basic realm="reg")"}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::credentials_required);
    CHECK(a.error.message == "registry reg.example needs credentials: run lading login reg.example");
}

TEST_CASE("Basic credentials refused once are not sent again", "[registry][sansio]")
{
    fixture f(user("alice", "wrong"));
    REQUIRE_FALSE(f.auth.learn_challenge(R"(Basic realm="reg")"));
    request_fsm m(f.spec, f.settings, f.auth);
    CHECK(m.start().authorization == "Basic YWxpY2U6d3Jvbmc=");
    auto a = m.on_response(response(401, {{"WWW-Authenticate", R"(Basic realm="reg")"}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::authentication_failed);
    CHECK(a.error.message == "authentication to reg.example failed (HTTP 401): check the credentials with lading login reg.example");
}

TEST_CASE("a registry token from config.json is sent as is, without a token fetch", "[registry][sansio]")
{
    fixture f(credential{{}, {}, {}, "rt"});
    REQUIRE_FALSE(f.auth.learn_challenge(bearer_challenge));
    request_fsm m(f.spec, f.settings, f.auth);
    auto a = m.start();
    REQUIRE(a.type == action_kind::send);
    CHECK(a.authorization == "Bearer rt");
}

TEST_CASE("unusable challenges fail the request", "[registry][sansio]")
{
    auto header = GENERATE(std::string(), std::string("Negotiate abc"), std::string(R"(Bearer service="x")"),
                           std::string(R"(Bearer realm="unterminated)"));
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(header.empty() ? response(401) : response(401, {{"WWW-Authenticate", header}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unsupported_challenge);
    CHECK(a.error.message.starts_with("registry reg.example"));
}

TEST_CASE("a request that does not authenticate takes a 401 as an unexpected status", "[registry][sansio]")
{
    fixture f(user("alice", "secret"));
    f.spec.authenticate = false;
    REQUIRE_FALSE(f.auth.learn_challenge(R"(Basic realm="reg")"));
    request_fsm m(f.spec, f.settings, f.auth);
    CHECK(m.start().authorization.empty());
    auto a = m.on_response(response(401, {{"WWW-Authenticate", bearer_challenge}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unexpected_status);
    CHECK(a.error.status == 401u);
    CHECK(f.auth.scheme() == auth_scheme::basic);
}

TEST_CASE("a token that cannot be had fails the request with its reason", "[registry][sansio]")
{
    fixture f;
    REQUIRE_FALSE(f.auth.learn_challenge(bearer_challenge));
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_token_failure(errc::authentication_failed, "the token server refused");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::authentication_failed);
    CHECK(a.error.message == "registry reg.example: manifest app:1: the token server refused");
}

TEST_CASE("redirects are followed with the same method; credentials stay on the registry", "[registry][sansio]")
{
    auto status = GENERATE(301u, 302u, 303u, 307u, 308u);
    fixture f(user("alice", "secret"));
    REQUIRE_FALSE(f.auth.learn_challenge(R"(Basic realm="reg")"));
    request_fsm m(f.spec, f.settings, f.auth);
    CHECK_FALSE(m.start().authorization.empty());
    auto a = m.on_response(response(status, {{"Location", "https://storage.example:443/blob?sig=1"}}));
    REQUIRE(a.type == action_kind::send);
    CHECK(a.target.str() == "https://storage.example:443/blob?sig=1");
    CHECK(a.authorization.empty());
    CHECK(m.attempt() == 1);
    a = m.on_response(response(307, {{"Location", "https://reg.example:443/v2/app/blobs/x"}}));
    CHECK(a.authorization == "Basic YWxpY2U6c2VjcmV0");  // back on the registry's origin
    CHECK(m.on_response(response(200)).type == action_kind::done);
}

TEST_CASE("a relative Location resolves against the URL that redirected", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    CHECK(m.on_response(response(302, {{"Location", "/elsewhere?x=1"}})).target.str() == "https://reg.example:443/elsewhere?x=1");
}

TEST_CASE("redirects: without Location, to plain http, or unparsable, fail", "[registry][sansio]")
{
    fixture f;
    SECTION("no Location")
    {
        request_fsm m(f.spec, f.settings, f.auth);
        m.start();
        auto a = m.on_response(response(307));
        CHECK(a.error.code == errc::bad_redirect);
        CHECK(a.error.message == "registry reg.example: manifest app:1: HTTP 307 redirect without Location");
    }
    SECTION("https to http")
    {
        request_fsm m(f.spec, f.settings, f.auth);
        m.start();
        auto a = m.on_response(response(307, {{"Location", "http://storage.example/x"}}));
        CHECK(a.error.code == errc::insecure_redirect);
        CHECK(a.error.message == "registry reg.example redirected manifest app:1 from https to http; refusing");
    }
    SECTION("https to http on an insecure registry")
    {
        f.settings.insecure = true;
        request_fsm m(f.spec, f.settings, f.auth);
        m.start();
        CHECK(m.on_response(response(307, {{"Location", "http://storage.example/x"}})).type == action_kind::send);
    }
    SECTION("a Location that is not an http URL")
    {
        request_fsm m(f.spec, f.settings, f.auth);
        m.start();
        CHECK(m.on_response(response(302, {{"Location", "ftp://x/"}})).error.code == errc::bad_redirect);
    }
}

TEST_CASE("at most 5 redirects are followed; the 6th is the answer", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    for (int i = 0; i < 5; ++i)
        REQUIRE(m.on_response(response(307, {{"Location", "/hop" + std::to_string(i)}})).type == action_kind::send);
    auto a = m.on_response(response(307, {{"Location", "/hop5"}}));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unexpected_status);
    CHECK(a.error.status == 307u);
}

TEST_CASE("a request that does not follow redirects takes one as its answer", "[registry][sansio]")
{
    fixture f;
    f.spec.follow_redirects = false;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(response(307, {{"Location", "/x"}}));
    CHECK(a.error.status == 307u);
    CHECK(a.error.message == "registry reg.example: manifest app:1: HTTP 307");
}

TEST_CASE("a retry asks the registry again, not the redirect target", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    m.on_response(response(307, {{"Location", "https://storage.example:443/signed"}}));
    auto a = m.on_response(response(503));
    REQUIRE(a.type == action_kind::wait);
    a = m.on_timer_expired();
    REQUIRE(a.type == action_kind::send);
    CHECK(a.target.str() == "https://reg.example:443/v2/app/manifests/1");
    CHECK(m.attempt() == 2);
    // The redirect budget starts over with the retry.
    for (int i = 0; i < 5; ++i)
        REQUIRE(m.on_response(response(307, {{"Location", "/hop" + std::to_string(i)}})).type == action_kind::send);
}

TEST_CASE("408, 429 and 5xx are retried with doubling backoff until the attempts run out", "[registry][sansio]")
{
    auto status = GENERATE(408u, 429u, 500u, 502u, 503u, 504u);
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    std::vector<std::chrono::milliseconds> waits;
    for (;;) {
        auto a = m.on_response(response(status));
        if (a.type != action_kind::wait) {
            REQUIRE(a.type == action_kind::fail);
            CHECK(a.error.code == errc::unexpected_status);
            CHECK(a.error.status == status);
            CHECK(a.error.message ==
                  "registry reg.example: manifest app:1: HTTP " + std::to_string(status) + " after 6 attempts");
            break;
        }
        waits.push_back(a.delay);
        REQUIRE(m.on_timer_expired().type == action_kind::send);
    }
    CHECK(waits == std::vector<std::chrono::milliseconds>{200ms, 400ms, 800ms, 1600ms, 3200ms});
}

TEST_CASE("Retry-After sets the wait, capped at the policy's maximum", "[registry][sansio]")
{
    fixture f;
    auto [value, expected] = GENERATE(std::pair<std::string, std::chrono::milliseconds>{"3", 3000ms},
                                      std::pair<std::string, std::chrono::milliseconds>{"0", 0ms},
                                      std::pair<std::string, std::chrono::milliseconds>{"3600", 10000ms},
                                      std::pair<std::string, std::chrono::milliseconds>{"Wed, 21 Oct 2015 07:28:00 GMT", 0ms},
                                      std::pair<std::string, std::chrono::milliseconds>{"soon", 200ms});
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(response(429, {{"Retry-After", value}}));
    REQUIRE(a.type == action_kind::wait);
    CHECK(a.delay == expected);
}

TEST_CASE("LADING_REGISTRY_RETRY_DELAY_MS sets the first wait of a request", "[registry][sansio]")
{
    ::setenv("LADING_REGISTRY_RETRY_DELAY_MS", "5", 1);
    fixture f;
    f.settings.retry = retry_policy::from_environment();
    ::unsetenv("LADING_REGISTRY_RETRY_DELAY_MS");
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    CHECK(m.on_response(response(500)).delay == 5ms);
    m.on_timer_expired();
    CHECK(m.on_transport_failure(refused, "Connection refused").delay == 10ms);
}

TEST_CASE("a status that is not retryable fails at once with the registry's error code", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_response(response(404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unexpected_status);
    CHECK(a.error.status == 404u);
    CHECK(a.error.message == "registry reg.example: manifest app:1: HTTP 404 (MANIFEST_UNKNOWN: manifest unknown)");
}

TEST_CASE("network failures are retried from the registry's URL until the attempts run out", "[registry][sansio]")
{
    fixture f;
    f.settings.retry.max_attempts = 3;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    m.on_response(response(307, {{"Location", "https://storage.example:443/signed"}}));
    auto a = m.on_transport_failure(refused, "Connection refused");
    REQUIRE(a.type == action_kind::wait);
    CHECK(a.delay == 200ms);
    CHECK(m.on_timer_expired().target.str() == "https://reg.example:443/v2/app/manifests/1");
    CHECK(m.on_transport_failure(boost::asio::error::connection_reset, "Connection reset").delay == 400ms);
    m.on_timer_expired();
    a = m.on_transport_failure(boost::asio::error::eof, "End of file");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::network_failure);
    CHECK(a.error.message == "registry reg.example: manifest app:1: End of file (after 3 attempts)");
}

TEST_CASE("a failure on lading's side is not retried", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    m.start();
    auto a = m.on_local_failure(errc::response_too_large, "response from https://reg.example:443 is larger than 4 bytes");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::response_too_large);
    CHECK(a.error.message == "registry reg.example: manifest app:1: response from https://reg.example:443 is larger than 4 bytes");
}

TEST_CASE("cancellation ends the request whatever is under way", "[registry][sansio]")
{
    fixture f;
    REQUIRE_FALSE(f.auth.learn_challenge(bearer_challenge));
    request_fsm m(f.spec, f.settings, f.auth);
    SECTION("while fetching a token") { REQUIRE(m.start().type == action_kind::fetch_token); }
    SECTION("while sending")
    {
        m.start();
        REQUIRE(m.on_token("t").type == action_kind::send);
    }
    SECTION("while waiting to retry")
    {
        m.start();
        m.on_token("t");
        REQUIRE(m.on_response(response(503)).type == action_kind::wait);
    }
    auto a = m.on_cancelled();
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::interrupted);
    CHECK(a.error.message == "registry reg.example: manifest app:1: interrupted");
    CHECK_THROWS_AS(m.on_cancelled(), std::logic_error);
}

TEST_CASE("each request reads bodies up to its own cap, else the session's", "[registry][sansio]")
{
    fixture f;
    f.settings.max_body = 4096;
    request_fsm plain(f.spec, f.settings, f.auth);
    CHECK(plain.start().body_limit == 4096);
    f.spec.max_body = 100;
    request_fsm capped(f.spec, f.settings, f.auth);
    CHECK(capped.start().body_limit == 100);
    // The cap holds for every attempt, after a token and after a retry.
    REQUIRE_FALSE(f.auth.learn_challenge(bearer_challenge));
    request_fsm again(f.spec, f.settings, f.auth);
    again.start();
    CHECK(again.on_token("t").body_limit == 100);
    again.on_response(response(500));
    again.on_timer_expired();
    CHECK(again.on_token("t").body_limit == 100);
}

TEST_CASE("an event the machine does not await is a programming error", "[registry][sansio]")
{
    fixture f;
    request_fsm m(f.spec, f.settings, f.auth);
    CHECK_THROWS_AS(m.on_response(response(200)), std::logic_error);
    m.start();
    CHECK_THROWS_AS(m.on_timer_expired(), std::logic_error);
    CHECK_THROWS_AS(m.on_token("t"), std::logic_error);
    m.on_response(response(200));
    CHECK_THROWS_AS(m.on_response(response(200)), std::logic_error);
}
