// The choice of scheme and the first challenge of a registry, driven by hand without sockets.
#include <lading/registry/errc.hpp>

#include "fsm_fixture.hpp"
#include "registry/sansio/ping_fsm.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <catch2/catch.hpp>

#include <boost/beast/core/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace lading::registry;
using namespace lading::registry::sansio;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

const boost::system::error_code refused = boost::asio::error::connection_refused;

boost::system::error_code tls_error(int reason)
{
    return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)), boost::asio::error::get_ssl_category()};
}

struct fixture {
    explicit fixture(const std::string& host) : settings(settings_for(host)), auth(host, std::nullopt, false) {}
    registry_settings settings;
    authenticator auth;
};

}  // namespace

TEST_CASE("a registry answering 200 on https is used over https", "[registry][sansio]")
{
    fixture f("reg.example");
    ping_fsm m(f.settings, f.auth);
    auto a = m.start();
    REQUIRE(a.type == action_kind::send);
    CHECK(a.target.str() == "https://reg.example:443/v2/");
    CHECK(a.authorization.empty());
    CHECK(m.on_response(response(200)).type == action_kind::done);
    CHECK(m.base().str() == "https://reg.example:443/");
}

TEST_CASE("a 401 on /v2/ teaches the challenge", "[registry][sansio]")
{
    fixture f("reg.example");
    ping_fsm m(f.settings, f.auth);
    m.start();
    CHECK(m.on_response(response(401, {{"WWW-Authenticate", R"(Bearer realm="https://a/t")"}})).type == action_kind::done);
    CHECK(f.auth.scheme() == auth_scheme::bearer);

    fixture g("reg.example");
    ping_fsm bad(g.settings, g.auth);
    bad.start();
    auto a = bad.on_response(response(401));
    CHECK(a.error.code == errc::unsupported_challenge);
    CHECK(a.error.message == "registry reg.example asks for authentication but sends no WWW-Authenticate header");
}

TEST_CASE("a registry configured for http is only asked over http", "[registry][sansio]")
{
    fixture f("reg.example:5000");
    f.settings.plain_http = true;
    ping_fsm m(f.settings, f.auth);
    CHECK(m.start().target.str() == "http://reg.example:5000/v2/");
}

TEST_CASE("https failing on a remote registry is the answer, never a reason to try http", "[registry][sansio]")
{
    fixture f("reg.example");
    ping_fsm m(f.settings, f.auth);
    m.start();
    auto a = m.on_transport_failure(refused, "Connection refused");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unreachable);
    CHECK(a.error.message == "cannot reach registry reg.example over https: Connection refused");
}

TEST_CASE("loopback and insecure registries fall back to plain http", "[registry][sansio]")
{
    auto [host, insecure] = GENERATE(std::pair<std::string, bool>{"127.0.0.1:5000", false},
                                     std::pair<std::string, bool>{"localhost:5000", false},
                                     std::pair<std::string, bool>{"[::1]:5000", false},
                                     std::pair<std::string, bool>{"reg.example", true});
    fixture f(host);
    f.settings.insecure = insecure;
    ping_fsm m(f.settings, f.auth);
    m.start();
    auto a = m.on_transport_failure(refused, "Connection refused");
    REQUIRE(a.type == action_kind::send);
    CHECK(a.target.scheme == "http");
    CHECK(m.on_response(response(200)).type == action_kind::done);
    CHECK(m.base().scheme == "http");
}

TEST_CASE("names that only look like loopback get no http fallback", "[registry][sansio]")
{
    auto host = GENERATE(std::string("127.0.0.1.nip.io"), std::string("127.evil.example:5000"));
    fixture f(host);
    ping_fsm m(f.settings, f.auth);
    m.start();
    CHECK(m.on_transport_failure(refused, "Connection refused").type == action_kind::fail);
}

TEST_CASE("a certificate that does not verify fails even on loopback, with the CA hint", "[registry][sansio]")
{
    fixture f("127.0.0.1:5000");
    f.settings.skip_verification_hint = "registry.insecure=true on the output";
    ping_fsm m(f.settings, f.auth);
    m.start();
    auto a = m.on_transport_failure(tls_error(SSL_R_CERTIFICATE_VERIFY_FAILED), "certificate verify failed");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::certificate_rejected);
    CHECK(a.error.message == "cannot reach registry 127.0.0.1:5000 over https: certificate verify failed (add its CA as "
                             "certs.d/127.0.0.1:5000/ca.crt, or skip the check with registry.insecure=true on the output)");
}

TEST_CASE("a greeting left unanswered fails at once: no http fallback, no retry", "[registry][sansio]")
{
    auto scheme_fails = GENERATE(std::string("https"), std::string("http"));
    fixture f("127.0.0.1:5000");
    ping_fsm m(f.settings, f.auth);
    m.start();
    if (scheme_fails == "http") {
        // A plain-http registry: the TLS attempt fails at once, then http is tried.
        REQUIRE(m.on_transport_failure(refused, "Connection refused").type == action_kind::send);
    }
    auto a = m.on_transport_failure(boost::beast::error::timeout, "The socket was closed due to a timeout");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unresponsive);
    CHECK(a.error.message == "registry 127.0.0.1:5000 took the connection but did not answer on /v2/ (over " + scheme_fails +
                                 ") within 30 s");
}

TEST_CASE("a connect that timed out is not an unanswered greeting: http and retries follow", "[registry][sansio]")
{
    fixture f("127.0.0.1:5000");
    ping_fsm m(f.settings, f.auth);
    m.start();
    const boost::system::error_code connect_timed_out = boost::asio::error::timed_out;
    REQUIRE(m.on_transport_failure(connect_timed_out, "Connection timed out").type == action_kind::send);
    CHECK(m.base().scheme == "http");
    CHECK(m.on_transport_failure(connect_timed_out, "Connection timed out").type == action_kind::wait);
}

TEST_CASE("an alert about our certificate points at the client certificate", "[registry][sansio]")
{
    auto reason = GENERATE(SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, SSL_R_SSLV3_ALERT_BAD_CERTIFICATE);
    fixture f("127.0.0.1:5000");
    ping_fsm m(f.settings, f.auth);
    m.start();
    auto a = m.on_transport_failure(tls_error(reason), "tlsv13 alert certificate required");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::client_certificate_refused);
    CHECK(a.error.message.ends_with("(the registry wants a client certificate it trusts: certs.d/127.0.0.1:5000/"
                                    "client.cert with client.key)"));
}

TEST_CASE("an alert that is not about a certificate: http on loopback, the hint elsewhere", "[registry][sansio]")
{
    fixture local("127.0.0.1:5000");
    ping_fsm m(local.settings, local.auth);
    m.start();
    CHECK(m.on_transport_failure(tls_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE), "handshake failure").target.scheme ==
          "http");

    fixture remote("reg.example");
    ping_fsm r(remote.settings, remote.auth);
    r.start();
    auto a = r.on_transport_failure(tls_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE), "handshake failure");
    CHECK(a.error.code == errc::client_certificate_refused);
}

TEST_CASE("a TLS-only server answering http with 400 reports the https failure", "[registry][sansio]")
{
    fixture f("127.0.0.1:5000");
    ping_fsm m(f.settings, f.auth);
    m.start();
    m.on_transport_failure(boost::asio::ssl::error::stream_truncated, "stream truncated");
    auto a = m.on_response(response(400));
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unreachable);
    CHECK(a.error.message == "cannot reach registry 127.0.0.1:5000 over https: stream truncated");
}

TEST_CASE("network failures over http are retried, then both failures are named", "[registry][sansio]")
{
    fixture f("127.0.0.1:5000");
    f.settings.retry.max_attempts = 2;
    ping_fsm m(f.settings, f.auth);
    m.start();
    m.on_transport_failure(refused, "refused on 443");
    auto a = m.on_transport_failure(refused, "refused on 80");
    REQUIRE(a.type == action_kind::wait);
    CHECK(a.delay == 200ms);
    CHECK(m.on_timer_expired().target.str() == "http://127.0.0.1:5000/v2/");
    a = m.on_transport_failure(refused, "refused on 80");
    REQUIRE(a.type == action_kind::fail);
    CHECK(a.error.code == errc::unreachable);
    CHECK(a.error.message == "cannot reach registry 127.0.0.1:5000 over https (refused on 443) nor over http (refused on 80)");

    fixture g("127.0.0.1:5000");
    g.settings.plain_http = true;
    g.settings.retry.max_attempts = 1;
    ping_fsm only_http(g.settings, g.auth);
    only_http.start();
    CHECK(only_http.on_transport_failure(refused, "refused").error.message ==
          "cannot reach registry 127.0.0.1:5000 over http (refused)");
}

TEST_CASE("/v2/ answering 5xx is retried; other statuses say it may not be a registry", "[registry][sansio]")
{
    fixture f("reg.example");
    f.settings.retry.max_attempts = 3;
    ping_fsm m(f.settings, f.auth);
    m.start();
    CHECK(m.on_response(response(503, {{"Retry-After", "1"}})).delay == 1000ms);
    m.on_timer_expired();
    CHECK(m.on_response(response(503)).delay == 400ms);
    m.on_timer_expired();
    auto a = m.on_response(response(503));
    CHECK(a.error.status == 503u);
    CHECK(a.error.message == "registry reg.example answered 503 on /v2/ 3 times");

    fixture g("reg.example");
    ping_fsm n(g.settings, g.auth);
    n.start();
    a = n.on_response(response(404));
    CHECK(a.error.code == errc::unexpected_status);
    CHECK(a.error.message == "registry reg.example answered 404 on /v2/; is it a registry?");
}

TEST_CASE("a local failure during the ping is reported as it is; cancellation interrupts", "[registry][sansio]")
{
    fixture f("reg.example");
    ping_fsm m(f.settings, f.auth);
    m.start();
    auto a = m.on_local_failure(errc::request_failed, "cannot read certs.d/reg.example/ca.crt");
    CHECK(a.error.code == errc::request_failed);
    CHECK(a.error.message == "cannot read certs.d/reg.example/ca.crt");

    fixture g("reg.example");
    ping_fsm n(g.settings, g.auth);
    n.start();
    CHECK(n.on_cancelled().error.code == errc::interrupted);
}
