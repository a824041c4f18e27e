// Token requests, token answers and the token cache, without a token server.
#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include "registry/sansio/authenticator.hpp"
#include "registry/sansio/tls_failure.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace lading::registry;
using namespace lading::registry::sansio;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> scopes = {"repository:app:pull,push", "repository:base:pull"};
const url https_base = url::parse("https://reg.example/");

token_request planned(const authenticator& a, const url& base = https_base)
{
    auto r = a.request_token(scopes, base);
    REQUIRE(std::holds_alternative<token_request>(r));
    return std::get<token_request>(r);
}

}  // namespace

TEST_CASE("an anonymous token is a GET with the service and every scope", "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    REQUIRE_FALSE(a.learn_challenge(R"(Bearer realm="https://auth.example/token?x=1",service="reg svc")"));
    auto r = planned(a);
    CHECK(r.method == http::verb::get);
    CHECK(r.target == "https://auth.example:443/token?x=1&service=reg%20svc&scope=repository%3Aapp%3Apull%2Cpush&"
                      "scope=repository%3Abase%3Apull");
    CHECK(r.authorization.empty());
    CHECK(r.form.empty());
    CHECK(r.realm_origin == "https://auth.example:443");
}

TEST_CASE("a user's token request carries Basic credentials", "[registry][sansio]")
{
    authenticator a("reg.example", credential{"alice", "secret", {}, {}}, false);
    REQUIRE_FALSE(a.learn_challenge(R"(Bearer realm="https://auth.example/token")"));
    CHECK(planned(a).authorization == "Basic YWxpY2U6c2VjcmV0");
}

TEST_CASE("an identity token is exchanged with a POST; a refresh token replaces it", "[registry][sansio]")
{
    authenticator a("reg.example", credential{{}, {}, "idt", {}}, false);
    REQUIRE_FALSE(a.learn_challenge(R"(Bearer realm="https://auth.example/token",service="reg")"));
    auto r = planned(a);
    CHECK(r.method == http::verb::post);
    CHECK(r.target == "https://auth.example:443/token");
    CHECK(r.form == "grant_type=refresh_token&client_id=lading&refresh_token=idt&service=reg&"
                    "scope=repository%3Aapp%3Apull%2Cpush%20repository%3Abase%3Apull");
    auto got = a.accept_token(R"({"access_token":"at","refresh_token":"rt2"})", scopes, r.realm_origin,
                              authenticator::clock::now());
    CHECK(std::get<std::string>(got) == "at");
    CHECK(planned(a).form.find("refresh_token=rt2") != std::string::npos);
}

TEST_CASE("a registry on https never sends credentials to a plain-http realm", "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    REQUIRE_FALSE(a.learn_challenge(R"(Bearer realm="http://auth.example/token")"));
    auto r = a.request_token(scopes, https_base);
    REQUIRE(std::holds_alternative<failure>(r));
    CHECK(std::get<failure>(r).code == errc::insecure_redirect);
    CHECK(std::holds_alternative<token_request>(a.request_token(scopes, url::parse("http://reg.example/"))));
    authenticator insecure("reg.example", std::nullopt, true);
    REQUIRE_FALSE(insecure.learn_challenge(R"(Bearer realm="http://auth.example/token")"));
    CHECK(std::holds_alternative<token_request>(insecure.request_token(scopes, https_base)));
}

TEST_CASE("a registry cannot send token requests further inside than itself", "[registry][sansio]")
{
    auto asks = [](const std::string& realm, const std::string& registry) {
        authenticator a("reg", std::nullopt, false);
        REQUIRE_FALSE(a.learn_challenge("Bearer realm=\"" + realm + "\""));
        auto r = a.request_token(scopes, url::parse(registry));
        if (auto* f = std::get_if<failure>(&r)) {
            CHECK(f->code == errc::insecure_redirect);
            CHECK(f->message.find("network the registry is not on") != std::string::npos);
            return false;
        }
        return true;
    };
    // A public registry: public realms only.
    CHECK(asks("https://auth.example/token", "https://reg.example/"));
    CHECK(asks("https://203.0.113.9/token", "https://reg.example/"));
    CHECK_FALSE(asks("https://127.0.0.1:9999/token", "https://reg.example/"));
    CHECK_FALSE(asks("https://localhost/token", "https://reg.example/"));
    CHECK_FALSE(asks("https://10.1.2.3/token", "https://reg.example/"));
    CHECK_FALSE(asks("https://[fd00::1]/token", "https://reg.example/"));
    CHECK_FALSE(asks("https://[::ffff:192.168.1.1]/token", "https://reg.example/"));
    CHECK_FALSE(asks("https://169.254.169.254/latest/meta-data", "https://reg.example/"));
    // A registry on a private network: that network and outside, not this machine.
    CHECK(asks("https://10.0.0.6/token", "https://10.0.0.5:5000/"));
    CHECK(asks("https://auth.example/token", "https://10.0.0.5:5000/"));
    CHECK_FALSE(asks("https://127.0.0.1/token", "https://10.0.0.5:5000/"));
    // A registry on this machine: its own host on another port, a private network.
    CHECK(asks("http://127.0.0.1:4000/token", "http://127.0.0.1:5000/"));
    CHECK(asks("http://127.0.0.1:4000/token", "http://localhost:5000/"));
    CHECK(asks("https://10.0.0.6/token", "https://[::1]:5000/"));
    // Link-local only on the registry's own host.
    CHECK_FALSE(asks("http://169.254.169.254/token", "http://127.0.0.1:5000/"));
    CHECK(asks("http://169.254.10.1:4000/token", "http://169.254.10.1:5000/"));
}

TEST_CASE("token answers: token or access_token, else a clear failure", "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    auto now = authenticator::clock::now();
    CHECK(std::get<std::string>(a.accept_token(R"({"token":"t1"})", scopes, "https://auth", now)) == "t1");
    CHECK(std::get<std::string>(a.accept_token(R"({"token":"","access_token":"t2"})", scopes, "https://auth", now)) == "t2");
    auto not_json = a.accept_token("<html>", scopes, "https://auth", now);
    CHECK(std::get<failure>(not_json).code == errc::bad_token_response);
    CHECK(std::get<failure>(not_json).message == "token server https://auth returned something that is not JSON");
    CHECK(std::get<failure>(a.accept_token(R"({"token":""})", scopes, "https://auth", now)).message ==
          "token server https://auth returned no token");
}

TEST_CASE("the token cache of a long-running session stays bounded", "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    auto now = authenticator::clock::now();
    auto scope = [](int i) { return std::vector<std::string>{"repository:r" + std::to_string(i) + ":pull"}; };
    for (int i = 0; i < 1000; ++i)
        a.accept_token(R"({"token":"t)" + std::to_string(i) + R"(","expires_in":)" + std::to_string(300 + i) + "}",
                       scope(i), "https://auth", now);
    CHECK(a.cached_tokens() == authenticator::token_cache_limit);
    CHECK(a.cached_token(scope(999), now) == "t999");
    CHECK_FALSE(a.cached_token(scope(0), now));  // expired first, so dropped first
    // Once they expired, they all go when the next token comes.
    a.accept_token(R"({"token":"late","expires_in":300})", scope(5000), "https://auth", now + 2000s);
    CHECK(a.cached_tokens() == 1);
    CHECK(a.cached_token(scope(5000), now + 2000s) == "late");
}

TEST_CASE("tokens are cached per scope set until 10 s before they expire, at least 50 s", "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    auto now = authenticator::clock::now();
    a.accept_token(R"({"token":"long","expires_in":300})", scopes, "https://auth", now);
    const std::vector<std::string> reordered = {scopes[1], scopes[0]};
    CHECK(a.cached_token(reordered, now + 289s) == "long");
    CHECK_FALSE(a.cached_token(reordered, now + 290s));
    CHECK_FALSE(a.cached_token({"repository:other:pull"}, now));
    a.accept_token(R"({"token":"short","expires_in":5})", scopes, "https://auth", now);
    CHECK(a.cached_token(scopes, now + 49s) == "short");
    CHECK_FALSE(a.cached_token(scopes, now + 50s));
    a.forget_token(scopes);
    CHECK_FALSE(a.cached_token(scopes, now));
}

TEST_CASE("a token said to live longer than a day is cached for a day", "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    auto now = authenticator::clock::now();
    for (const char* huge : {"99999999999999999", "9223372036854775807"}) {
        INFO("expires_in " << huge);
        a.accept_token(std::string(R"({"token":"lasting","expires_in":)") + huge + "}", scopes, "https://auth", now);
        CHECK(a.cached_token(scopes, now + 1h) == "lasting");
        CHECK(a.cached_token(scopes, now + 24h - 11s) == "lasting");
        CHECK_FALSE(a.cached_token(scopes, now + 24h - 10s));
    }
}

TEST_CASE("a Basic challenge authorises with the user's credentials only when there are some", "[registry][sansio]")
{
    authenticator with("reg.example", credential{"alice", "secret", {}, {}}, false);
    REQUIRE_FALSE(with.learn_challenge(R"(Basic realm="r")"));
    CHECK(with.for_request().header == "Basic YWxpY2U6c2VjcmV0");
    authenticator without("reg.example", std::nullopt, false);
    CHECK(without.for_request().header.empty());
    REQUIRE_FALSE(without.learn_challenge(R"(Basic realm="r")"));
    CHECK(without.for_request().header.empty());
    CHECK_FALSE(without.for_request().needs_token);
}

TEST_CASE("TLS failures are classified by OpenSSL reason code, not by text", "[registry][sansio]")
{
    auto ssl = [](int reason) {
        return boost::system::error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
                                         boost::asio::error::get_ssl_category());
    };
    auto verify = classify_tls_failure(ssl(SSL_R_CERTIFICATE_VERIFY_FAILED));
    CHECK(verify.certificate);
    CHECK_FALSE(verify.peer_alert);
    auto required = classify_tls_failure(ssl(SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED));
    CHECK(required.certificate);
    CHECK(required.peer_alert);
    auto unknown_ca = classify_tls_failure(ssl(SSL_R_TLSV1_ALERT_UNKNOWN_CA));
    CHECK_FALSE(unknown_ca.certificate);
    CHECK(unknown_ca.peer_alert);
    auto plain = classify_tls_failure(boost::asio::error::connection_refused);
    CHECK_FALSE(plain.certificate);
    CHECK_FALSE(plain.peer_alert);
    CHECK_FALSE(classify_tls_failure(boost::asio::ssl::error::stream_truncated).certificate);
}

TEST_CASE("registry error codes compare as std::error_codes with readable messages", "[registry][sansio]")
{
    std::error_code ec = errc::interrupted;
    CHECK(ec.category().name() == std::string("lading.registry"));
    CHECK(ec == errc::interrupted);
    CHECK(ec != errc::network_failure);
    CHECK(ec.message() == "interrupted");
    lading::error e(errc::authentication_failed, "x");
    CHECK(e.code() == errc::authentication_failed);
    CHECK_FALSE(lading::error("plain").code());
}

TEST_CASE("tokens are shared between sessions only for the same registry, challenge, credentials and scopes",
          "[registry][sansio]")
{
    const auto challenge = R"(Bearer realm="https://auth.example/token",service="reg")";
    auto session = [&](std::optional<credential> c, const char* host = "reg.example", const char* header = nullptr,
                       bool insecure = false) {
        authenticator a(host, std::move(c), insecure);
        REQUIRE_FALSE(a.learn_challenge(header ? header : challenge));
        return a;
    };
    const auto alice = session(credential{"alice", "secret", {}, {}});
    const auto key = alice.sharing_key(scopes, https_base);
    CHECK(session(credential{"alice", "secret", {}, {}}).sharing_key(scopes, https_base) == key);
    // Scopes count as a set.
    CHECK(alice.sharing_key({scopes[1], scopes[0]}, https_base) == key);

    CHECK(alice.sharing_key({scopes[0]}, https_base) != key);
    CHECK(session(credential{"alice", "other", {}, {}}).sharing_key(scopes, https_base) != key);
    CHECK(session(credential{"bob", "secret", {}, {}}).sharing_key(scopes, https_base) != key);
    CHECK(session(std::nullopt).sharing_key(scopes, https_base) != key);
    CHECK(session(credential{{}, {}, "idt", {}}).sharing_key(scopes, https_base) != key);
    CHECK(alice.sharing_key(scopes, url::parse("https://other.example/")) != key);
    CHECK(alice.sharing_key(scopes, url::parse("http://reg.example/")) != key);
    CHECK(session(credential{"alice", "secret", {}, {}}, "reg.example", nullptr, true).sharing_key(scopes, https_base) !=
          key);
    CHECK(session(credential{"alice", "secret", {}, {}}, "reg.example",
                  R"(Bearer realm="https://auth.example/token",service="other")")
              .sharing_key(scopes, https_base) != key);
    CHECK(session(credential{"alice", "secret", {}, {}}, "reg.example",
                  R"(Bearer realm="https://elsewhere.example/token",service="reg")")
              .sharing_key(scopes, https_base) != key);
    // The credentials go in as a digest only.
    CHECK(key.find("secret") == std::string::npos);
    CHECK(key.find("alice") == std::string::npos);
}

TEST_CASE("an adopted token is used until it expires; after a 401 the next one is fetched, not shared",
          "[registry][sansio]")
{
    authenticator a("reg.example", std::nullopt, false);
    REQUIRE_FALSE(a.learn_challenge(R"(Bearer realm="https://auth.example/token")"));
    const auto now = authenticator::clock::now();
    a.adopt_token(scopes, {"shared", now + 100s}, now);
    CHECK(a.cached_token(scopes, now + 99s) == "shared");
    CHECK_FALSE(a.cached_token(scopes, now + 100s));
    CHECK(a.kept_token(scopes, now)->expires == now + 100s);

    const auto key = a.sharing_key(scopes, https_base);
    REQUIRE_FALSE(key.empty());
    a.forget_token(scopes);  // the registry refused it
    CHECK_FALSE(a.cached_token(scopes, now));
    CHECK(a.sharing_key(scopes, https_base).empty());
    CHECK(a.sharing_key({scopes[0]}, https_base) == a.sharing_key({scopes[0]}, https_base));
    CHECK_FALSE(a.sharing_key({scopes[0]}, https_base).empty());  // other scopes are shared still
    // A token fetched for them makes them shareable again.
    a.accept_token(R"({"token":"fresh","expires_in":300})", scopes, "https://auth", now);
    CHECK(a.sharing_key(scopes, https_base) == key);
}
