// Self-test of the registry fixtures against the real docker-registry (distribution 2.8):
// every server is started for real and spoken to with plain HTTP requests, so that a lading
// push test failing later points at lading, not at its fixtures.
#include <catch2/catch.hpp>

#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>  // operator<< for INFO(response)
#include <boost/json.hpp>
#include <lading/formats/base64.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/process.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/free_port.hpp"
#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/http_request_framing.hpp"
#include "registry_fixtures/nginx_front.hpp"
#include "registry_fixtures/recording_server.hpp"
#include "registry_fixtures/redirecting_front.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/registry_token.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"
#include "registry_fixtures/url_encoding.hpp"

using namespace lading::test;
namespace http = boost::beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string digest_of(const std::string& data) { return "sha256:" + sha256_hex(data); }

std::string pattern_bytes(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + seed * 7 + i / 251) & 0xff);
    return s;
}

http_response send(http_connection& c, http::verb method, const std::string& target, std::string body = {},
                   const header_list& headers = {}) {
    http_request req{method, target, 11};
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    return c.send(std::move(req));
}

// The upload Location with `digest=` appended, as a target on the same host.
std::string commit_target(const http_response& post, const std::string& digest) {
    std::string location(post[http::field::location]);
    REQUIRE_FALSE(location.empty());
    std::string target = parse_url(location).target;
    return target + (target.find('?') == std::string::npos ? "?" : "&") + "digest=" + percent_encode(digest);
}

// Monolithic upload: POST, then PUT <Location>&digest= with the bytes. Returns the digest.
std::string push_blob(http_connection& c, const std::string& repo, const std::string& data,
                      const header_list& auth = {}) {
    std::string digest = digest_of(data);
    auto post = send(c, http::verb::post, "/v2/" + repo + "/blobs/uploads/", {}, auth);
    INFO(post);
    REQUIRE(post.result_int() == 202);
    header_list put_headers = auth;
    put_headers.emplace_back("Content-Type", "application/octet-stream");
    auto put = send(c, http::verb::put, commit_target(post, digest), data, put_headers);
    INFO(put);
    REQUIRE(put.result_int() == 201);
    CHECK(put["Docker-Content-Digest"] == digest);
    return digest;
}

std::string basic(const std::string& user, const std::string& password) {
    return "Basic " + lading::formats::base64_encode(user + ":" + password);
}

json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

}  // namespace

TEST_CASE("request framing follows Content-Length and chunked bodies", "[registry_fixtures]") {
    SECTION("incomplete head") {
        CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nHost: x\r\n").has_value());
    }
    SECTION("Content-Length body and the next request") {
        std::string wire =
            "PUT /v2/a/blobs/uploads/u?_state=x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
            "hello"
            "GET /v2/ HTTP/1.1\r\n\r\n";
        auto head = parse_request_head(wire);
        REQUIRE(head);
        CHECK(head->method == "PUT");
        CHECK(head->path() == "/v2/a/blobs/uploads/u");
        CHECK(head->content_length == 5);
        body_framer body(*head);
        CHECK(body.consume(std::string_view(wire).substr(head->size)) == 5);
        CHECK(body.complete());
        auto next = parse_request_head(std::string_view(wire).substr(head->size + 5));
        REQUIRE(next);
        CHECK(next->method == "GET");
        CHECK(body_framer(*next).complete());
    }
    SECTION("chunked body fed one byte at a time") {
        std::string head_text =
            "PATCH /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n";
        std::string body_text = "4;ext=1\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: t\r\n\r\n";
        auto head = parse_request_head(head_text);
        REQUIRE(head);
        CHECK(head->chunked);
        CHECK(head->expects_continue);
        body_framer body(*head);
        std::string wire = body_text + "NEXT";
        std::size_t used = 0;
        while (!body.complete()) used += body.consume(std::string_view(wire).substr(used, 1));
        CHECK(used == body_text.size());
        CHECK(body.consumed() == body_text.size());
    }
    SECTION("malformed input") {
        CHECK_THROWS(parse_request_head("NONSENSE\r\n\r\n"));
        CHECK_THROWS(parse_request_head("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"));
        auto head = parse_request_head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        REQUIRE(head);
        body_framer body(*head);
        CHECK_THROWS(body.consume("zz\r\n"));
    }
}

TEST_CASE("small helpers", "[registry_fixtures]") {
    CHECK(free_port() != 0);
    CHECK(percent_decode("repository%3Aa%2Fb%3Apull+push") == "repository:a/b:pull push");
    auto scope = parse_scope("repository:127.0.0.1:5000/a/b:pull,push");
    CHECK(scope.type == "repository");
    CHECK(scope.name == "127.0.0.1:5000/a/b");
    CHECK(scope.actions == std::vector<std::string>{"pull", "push"});
    auto u = parse_url("https://[::1]:8443/v2/?x=1");
    CHECK(u.host == "::1");
    CHECK(u.port == 8443);
    CHECK(u.target == "/v2/?x=1");
}

TEST_CASE("plain registry: push, read back, delete, config keys in effect", "[registry_fixtures]") {
    registry_server reg;
    CHECK(reg.blob_count() == 0);
    http_connection c("127.0.0.1", reg.port());

    auto ping = send(c, http::verb::get, "/v2/");
    CHECK(ping.result_int() == 200);
    CHECK(ping["Docker-Distribution-Api-Version"] == "registry/2.0");

    std::string layer = pattern_bytes(300000, 1);
    std::string config = R"({"architecture":"amd64","os":"linux"})";
    std::string layer_digest = push_blob(c, "proj/app", layer);
    std::string config_digest = push_blob(c, "proj/app", config);
    CHECK(reg.blob_count() == 2);
    CHECK(reg.has_blob(layer_digest));
    // storage.filesystem.rootdirectory is where the blob landed.
    CHECK(fs::is_regular_file(reg.root_dir() / "docker/registry/v2/blobs/sha256" / layer_digest.substr(7, 2) /
                              layer_digest.substr(7) / "data"));

    auto get = send(c, http::verb::get, "/v2/proj/app/blobs/" + layer_digest);
    REQUIRE(get.result_int() == 200);
    CHECK(get.body() == layer);
    auto head = send(c, http::verb::head, "/v2/proj/app/blobs/" + layer_digest);
    CHECK(head.result_int() == 200);
    CHECK(head[http::field::content_length] == std::to_string(layer.size()));

    json::object manifest{
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config",
         {{"mediaType", "application/vnd.oci.image.config.v1+json"},
          {"digest", config_digest},
          {"size", config.size()}}},
        {"layers", json::array{json::object{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                            {"digest", layer_digest},
                                            {"size", layer.size()}}}}};
    auto put = send(c, http::verb::put, "/v2/proj/app/manifests/1", json::serialize(manifest),
                    {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}});
    INFO(put);
    CHECK(put.result_int() == 201);
    CHECK(reg.repositories() == std::vector<std::string>{"proj/app"});

    // storage.delete.enabled: 202 (a registry without it answers 405 UNSUPPORTED).
    // The registry keeps manifests as blobs too.
    CHECK(reg.blob_count() == 3);
    std::string extra = push_blob(c, "proj/other", "delete me");
    CHECK(reg.blob_count() == 4);
    auto del = send(c, http::verb::delete_, "/v2/proj/other/blobs/" + extra);
    CHECK(del.result_int() == 202);
    CHECK(send(c, http::verb::get, "/v2/proj/other/blobs/" + extra).result_int() == 404);
    CHECK(c.connects() == 1);

    // log.level warn (no info lines such as "listening on") and log.accesslog on.
    std::string log = reg.log_tail(100000);
    CHECK(log.find("level=info") == std::string::npos);
    CHECK(log.find("\"PUT /v2/proj/app/manifests/1 HTTP/1.1\" 201") != std::string::npos);

    pid_t pid = reg.pid();
    reg.stop();
    CHECK_FALSE(reg.running());
    CHECK(::kill(pid, 0) != 0);
}

TEST_CASE("TLS registry is reachable with the test CA only", "[registry_fixtures]") {
    temp_dir tmp("lading-regfix-");
    test_ca ca(tmp / "pki", {.unknown_ca = true});
    registry_server reg({.tls = ca.server()});
    CHECK(reg.base_url().rfind("https://127.0.0.1:", 0) == 0);

    http_client_options trusted{.ca_file = ca.ca_certificate()};
    CHECK(http_fetch(http::verb::get, reg.base_url() + "/v2/", {}, {}, trusted).result_int() == 200);
    // The certificate also names localhost.
    CHECK(http_fetch(http::verb::get, "https://localhost:" + std::to_string(reg.port()) + "/v2/", {}, {},
                     trusted)
              .result_int() == 200);
    http_client_options other_ca{.ca_file = ca.unknown_ca_certificate()};
    CHECK_THROWS_WITH(http_fetch(http::verb::get, reg.base_url() + "/v2/", {}, {}, other_ca),
                      Catch::Contains("certificate verify failed"));
    CHECK(http_fetch(http::verb::get, reg.base_url() + "/v2/", {}, {}, {.verify_peer = false}).result_int() ==
          200);

    // A server with the unknown CA's certificate is rejected by a client trusting the test CA.
    recording_server impostor(ca.unknown_server());
    impostor.serve("/x", "x");
    CHECK_THROWS_WITH(http_fetch(http::verb::get, impostor.url("/x"), {}, {}, trusted),
                      Catch::Contains("certificate verify failed"));
    CHECK(fs::is_regular_file(ca.client_cert_dir() / "ca.crt"));

    // The fault proxy relays TLS unframed; connection scripts still apply.
    fault_proxy proxy("127.0.0.1", reg.port());
    std::string via_proxy = "https://127.0.0.1:" + std::to_string(proxy.port()) + "/v2/";
    CHECK(http_fetch(http::verb::get, via_proxy, {}, {}, trusted).result_int() == 200);
    proxy.drop_connections_after(100, 1);
    CHECK_THROWS(http_fetch(http::verb::get, via_proxy, {}, {}, trusted));
    CHECK(proxy.requests().empty());
    CHECK(proxy.connections() == 2);
}

TEST_CASE("registry_server reports a registry that cannot start", "[registry_fixtures]") {
    temp_dir tmp("lading-regfix-");
    auto started = std::chrono::steady_clock::now();
    try {
        registry_server reg({.tls = tls_files{tmp / "missing.pem", tmp / "missing-key.pem"}});
        FAIL("the registry started without its certificate");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("docker-registry exited during startup") &&
                                 Catch::Contains("missing.pem"));
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
}

TEST_CASE("htpasswd registry: 401 without credentials, 200 with", "[registry_fixtures]") {
    registry_server reg({.htpasswd = htpasswd_auth{.realm = "fixture-realm", .users = {{"user", "pass"}}}});
    http_connection c("127.0.0.1", reg.port());
    auto anonymous = send(c, http::verb::get, "/v2/");
    CHECK(anonymous.result_int() == 401);
    CHECK(anonymous[http::field::www_authenticate] == "Basic realm=\"fixture-realm\"");
    CHECK(send(c, http::verb::get, "/v2/", {}, {{"Authorization", basic("user", "wrong")}}).result_int() ==
          401);
    header_list auth{{"Authorization", basic("user", "pass")}};
    CHECK(send(c, http::verb::get, "/v2/", {}, auth).result_int() == 200);
    push_blob(c, "app", "hello", auth);
    CHECK(reg.blob_count() == 1);
}

namespace {

struct token_variant {
    const char* name;
    key_kind key;
    token_key_reference reference;
    bool ca_only_bundle;  // rootcertbundle = the CA alone (x5c) or CA + signing cert (kid)
};

}  // namespace

TEST_CASE("token registry accepts the token server's JWTs", "[registry_fixtures]") {
    auto variant = GENERATE(
        token_variant{"RS256 x5c, bundle = CA", key_kind::rsa_2048, token_key_reference::x5c, true},
        token_variant{"ES256 x5c, bundle = CA", key_kind::ec_p256, token_key_reference::x5c, true},
        token_variant{"RS256 kid, bundle = CA + signer", key_kind::rsa_2048, token_key_reference::kid, false},
        token_variant{"ES256 kid, bundle = CA + signer", key_kind::ec_p256, token_key_reference::kid, false});
    INFO(variant.name);
    temp_dir tmp("lading-regfix-");
    test_ca ca(tmp / "pki", {.token_signing_key = variant.key});
    token_server tokens({.signing = ca.token_signing(),
                         .key_reference = variant.reference,
                         .users = {{"alice", "secret"}, {"reader", "readonly"}},
                         .grants = {{"alice", {{"*", {"pull", "push"}}}}, {"reader", {{"app", {"pull"}}}}}});
    registry_server reg(
        {.token = token_auth{
             .realm = tokens.realm(),
             .service = tokens.service(),
             .issuer = tokens.issuer(),
             .root_cert_bundle = variant.ca_only_bundle ? ca.ca_certificate() : ca.token_root_bundle()}});
    http_connection c("127.0.0.1", reg.port());

    auto challenge = send(c, http::verb::get, "/v2/");
    CHECK(challenge.result_int() == 401);
    CHECK(challenge[http::field::www_authenticate] ==
          "Bearer realm=\"" + tokens.realm() + "\",service=\"" + tokens.service() + "\"");

    auto fetch = http_fetch(
        http::verb::get, tokens.realm() + "?service=" + tokens.service() + "&scope=repository:app:pull,push",
        {}, {{"Authorization", basic("alice", "secret")}});
    REQUIRE(fetch.result_int() == 200);
    auto answer = parse_object(fetch.body());
    std::string token(answer.at("token").as_string());
    CHECK(answer.at("access_token").as_string() == token);
    CHECK(answer.at("expires_in").as_int64() == 300);
    CHECK_FALSE(answer.contains("refresh_token"));
    auto header = token_header(token);
    CHECK(header.at("alg").as_string() == (variant.key == key_kind::rsa_2048 ? "RS256" : "ES256"));
    CHECK(header.contains(variant.reference == token_key_reference::x5c ? "x5c" : "kid"));
    auto claims = token_payload(token);
    CHECK(claims.at("aud").as_string() == tokens.service());
    CHECK(json::serialize(claims.at("access")) ==
          R"([{"type":"repository","name":"app","actions":["pull","push"]}])");

    header_list bearer{{"Authorization", "Bearer " + token}};
    CHECK(send(c, http::verb::get, "/v2/", {}, bearer).result_int() == 200);
    std::string digest = push_blob(c, "app", "token pushed", bearer);
    CHECK(reg.has_blob(digest));

    // A pull-only token cannot start an upload; the registry says which scope it wants.
    std::string pull_only = tokens.issue("reader", {"repository:app:pull,push"});
    CHECK(json::serialize(token_payload(pull_only).at("access")) ==
          R"([{"type":"repository","name":"app","actions":["pull"]}])");
    auto denied =
        send(c, http::verb::post, "/v2/app/blobs/uploads/", {}, {{"Authorization", "Bearer " + pull_only}});
    CHECK(denied.result_int() == 401);
    // 2.8 lists the actions in Go map order: pull,push or push,pull.
    CHECK_THAT(std::string(denied[http::field::www_authenticate]),
               Catch::Matches(".*scope=\"repository:app:(pull,push|push,pull)\".*") &&
                   Catch::Contains("error=\"insufficient_scope\""));
    CHECK(send(c, http::verb::get, "/v2/app/blobs/" + digest, {}, {{"Authorization", "Bearer " + pull_only}})
              .result_int() == 200);

    // An expired token (beyond the registry's 60 s leeway) is refused.
    auto now = std::chrono::system_clock::now();
    std::string expired = tokens.sign({.issuer = tokens.issuer(),
                                       .subject = "alice",
                                       .audience = tokens.service(),
                                       .not_before = now - std::chrono::minutes(10),
                                       .expires_at = now - std::chrono::minutes(5),
                                       .issued_at = now - std::chrono::minutes(10),
                                       .access = {{"repository", "app", {"pull", "push"}}}});
    auto refused = send(c, http::verb::get, "/v2/", {}, {{"Authorization", "Bearer " + expired}});
    CHECK(refused.result_int() == 401);
    CHECK_THAT(std::string(refused[http::field::www_authenticate]), Catch::Contains("invalid_token"));

    // Wrong password: 401 from the token server.
    auto wrong = http_fetch(http::verb::get,
                            tokens.realm() + "?service=" + tokens.service() + "&scope=repository:app:pull",
                            {}, {{"Authorization", basic("alice", "nope")}});
    CHECK(wrong.result_int() == 401);

    // OAuth2 POST: password grant with a refresh token, then the refresh grant.
    auto post = http_fetch(http::verb::post, tokens.realm(),
                           encode_query({{"grant_type", "password"},
                                         {"username", "alice"},
                                         {"password", "secret"},
                                         {"service", tokens.service()},
                                         {"client_id", "fixture-test"},
                                         {"access_type", "offline"},
                                         {"scope", "repository:app:pull repository:other:pull,push"}}),
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
    REQUIRE(post.result_int() == 200);
    auto oauth = parse_object(post.body());
    REQUIRE(oauth.contains("refresh_token"));
    CHECK(json::serialize(token_payload(oauth.at("access_token").as_string()).at("access")) ==
          R"([{"type":"repository","name":"app","actions":["pull"]},)"
          R"({"type":"repository","name":"other","actions":["pull","push"]}])");
    auto refreshed =
        http_fetch(http::verb::post, tokens.realm(),
                   encode_query({{"grant_type", "refresh_token"},
                                 {"refresh_token", std::string(oauth.at("refresh_token").as_string())},
                                 {"service", tokens.service()},
                                 {"client_id", "fixture-test"},
                                 {"scope", "repository:app:pull"}}),
                   {{"Content-Type", "application/x-www-form-urlencoded"}});
    REQUIRE(refreshed.result_int() == 200);
    std::string refreshed_token(parse_object(refreshed.body()).at("token").as_string());
    CHECK(send(c, http::verb::get, "/v2/app/blobs/" + digest, {},
               {{"Authorization", "Bearer " + refreshed_token}})
              .result_int() == 200);
    auto bad_refresh = http_fetch(http::verb::post, tokens.realm(),
                                  "grant_type=refresh_token&refresh_token=bogus&service=" + tokens.service(),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(bad_refresh.result_int() == 401);

    auto log = tokens.requests();
    REQUIRE(log.size() == 5);
    CHECK(log[0].method == "GET");
    CHECK(log[0].path == "/token");
    CHECK(log[0].query == "service=" + tokens.service() + "&scope=repository:app:pull,push");
    CHECK(log[0].had_authorization);
    CHECK(log[0].user == "alice");
    CHECK(log[0].service == tokens.service());
    CHECK(log[0].scopes == std::vector<std::string>{"repository:app:pull,push"});
    CHECK(log[0].status == 200);
    CHECK(log[1].status == 401);
    CHECK(log[2].grant_type == "password");
    CHECK(log[2].scopes.size() == 2);
    CHECK(log[3].grant_type == "refresh_token");
    CHECK(log[3].user == "alice");
    CHECK(log[4].status == 401);

    tokens.fail_next(1, 503);
    CHECK(http_fetch(http::verb::get, tokens.realm() + "?service=" + tokens.service()).result_int() == 503);
    auto anonymous = http_fetch(
        http::verb::get, tokens.realm() + "?service=" + tokens.service() + "&scope=repository:app:pull");
    REQUIRE(anonymous.result_int() == 200);
    CHECK(token_payload(parse_object(anonymous.body()).at("token").as_string())
              .at("access")
              .as_array()
              .empty());
}

TEST_CASE("token server over TLS and the libtrust key ID", "[registry_fixtures]") {
    temp_dir tmp("lading-regfix-");
    test_ca ca(tmp / "pki");
    token_server tokens({.signing = ca.token_signing(), .tls = ca.server(), .users = {{"u", "p"}}});
    CHECK(tokens.realm().rfind("https://127.0.0.1:", 0) == 0);
    auto r = http_fetch(http::verb::get, tokens.realm() + "?service=" + tokens.service(), {},
                        {{"Authorization", basic("u", "p")}}, {.ca_file = ca.ca_certificate()});
    CHECK(r.result_int() == 200);
    // 48 base32 characters in 12 groups of 4.
    const std::string& kid = tokens.signer().key_id();
    CHECK(kid.size() == 59);
    CHECK(std::count(kid.begin(), kid.end(), ':') == 11);
}

TEST_CASE("skopeo pushes through TLS and token auth (cross-check with an independent client)",
          "[registry_fixtures]") {
    require_tools({tools::skopeo});
    temp_dir tmp("lading-regfix-");
    test_ca ca(tmp / "pki");
    token_server tokens({.signing = ca.token_signing(),
                         .users = {{"alice", "secret"}},
                         .grants = {{"alice", {{"proj/app", {"pull", "push"}}}}}});
    registry_server reg({.tls = ca.server(), .token = tokens.registry_auth(ca.ca_certificate())});

    // A one-layer OCI layout: an empty tar as the layer.
    fs::path layout = tmp / "layout";
    fs::create_directories(layout / "blobs/sha256");
    auto put_blob = [&](const std::string& data) {
        std::string d = digest_of(data);
        std::ofstream(layout / "blobs/sha256" / d.substr(7), std::ios::binary) << data;
        return d;
    };
    std::string layer(1024, '\0');
    std::string layer_digest = put_blob(layer);
    std::string config = json::serialize(json::object{
        {"architecture", "amd64"},
        {"os", "linux"},
        {"rootfs", {{"type", "layers"}, {"diff_ids", json::array{json::string(layer_digest)}}}}});
    std::string config_digest = put_blob(config);
    std::string manifest = json::serialize(json::object{
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config",
         {{"mediaType", "application/vnd.oci.image.config.v1+json"},
          {"digest", config_digest},
          {"size", config.size()}}},
        {"layers", json::array{json::object{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                            {"digest", layer_digest},
                                            {"size", layer.size()}}}}});
    std::string manifest_digest = put_blob(manifest);
    std::ofstream(layout / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    std::ofstream(layout / "index.json") << json::serialize(json::object{
        {"schemaVersion", 2},
        {"manifests",
         json::array{json::object{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                  {"digest", manifest_digest},
                                  {"size", manifest.size()},
                                  {"annotations", {{"org.opencontainers.image.ref.name", "1"}}}}}}});

    // --preserve-digests: push the uncompressed layer as it is instead of gzipping it.
    auto r = run_process({"skopeo", "copy", "--preserve-digests", "--retry-times", "0", "--dest-creds",
                          "alice:secret", "--dest-cert-dir", ca.client_cert_dir().string(),
                          "oci:" + layout.string() + ":1", "docker://" + reg.address() + "/proj/app:1"},
                         std::chrono::minutes(2));
    INFO(r.describe() << "\nregistry log:\n" << reg.log_tail());
    REQUIRE(r.succeeded());
    CHECK(reg.blob_count() == 3);
    CHECK(reg.has_blob(layer_digest));
    CHECK(reg.repositories() == std::vector<std::string>{"proj/app"});
    auto asked = tokens.requests();
    REQUIRE_FALSE(asked.empty());
    CHECK(asked.back().user == "alice");
    CHECK(asked.back().status == 200);

    auto inspect = run_process({"skopeo", "inspect", "--raw", "--creds", "alice:secret", "--cert-dir",
                                ca.client_cert_dir().string(), "docker://" + reg.address() + "/proj/app:1"},
                               std::chrono::minutes(1));
    INFO(inspect.describe());
    REQUIRE(inspect.succeeded());
    CHECK(digest_of(inspect.out) == manifest_digest);
}

TEST_CASE("fault proxy injects answers and drops on script", "[registry_fixtures]") {
    registry_server reg;
    fault_proxy proxy("127.0.0.1", reg.port());
    http_connection c("127.0.0.1", proxy.port());

    SECTION("500 then pass-through on the same keep-alive connection") {
        proxy.answer_500("POST", "^/v2/.+/blobs/uploads/$");
        auto first = send(c, http::verb::post, "/v2/app/blobs/uploads/");
        CHECK(first.result_int() == 500);
        CHECK_THAT(first.body(), Catch::Contains("UNKNOWN"));
        CHECK(proxy.pending_scripts() == 0);
        std::string digest = push_blob(c, "app", pattern_bytes(5000, 2));
        CHECK(c.connects() == 1);
        CHECK(reg.has_blob(digest));
        auto seen = proxy.requests();
        REQUIRE(seen.size() == 3);
        CHECK(seen[0].outcome == fault_outcome::answered);
        CHECK(seen[0].status == 500);
        CHECK(seen[1].method == "POST");
        CHECK(seen[1].outcome == fault_outcome::passed);
        CHECK(seen[2].method == "PUT");
        CHECK(seen[2].target.find("digest=sha256%3A") != std::string::npos);
    }
    SECTION("a mount forwarded without its query is a plain upload start: 202, nothing mounted") {
        std::string digest = push_blob(c, "lib", pattern_bytes(3000, 5));
        proxy.strip_query("POST", "/blobs/uploads/$", 1);
        const std::string mount = "/v2/app/blobs/uploads/?mount=" + digest + "&from=lib";
        auto declined = send(c, http::verb::post, mount);
        CHECK(declined.result_int() == 202);
        CHECK_FALSE(std::string(declined[http::field::location]).empty());
        auto seen = proxy.requests();
        REQUIRE_FALSE(seen.empty());
        CHECK(seen.back().outcome == fault_outcome::rewritten);
        CHECK(seen.back().target == mount);
        auto mounted = send(c, http::verb::post, mount);  // the script has expired
        CHECK(mounted.result_int() == 201);
    }
    SECTION("429 with Retry-After for the next two matching requests; the body is consumed") {
        proxy.answer_429("PUT", "/blobs/uploads/", 2, std::chrono::seconds(1));
        std::string data = pattern_bytes(70000, 3);
        auto post = send(c, http::verb::post, "/v2/app/blobs/uploads/");
        REQUIRE(post.result_int() == 202);
        for (int i = 0; i < 2; ++i) {
            auto put = send(c, http::verb::put, commit_target(post, digest_of(data)), data);
            CHECK(put.result_int() == 429);
            CHECK(put["Retry-After"] == "1");
            CHECK_THAT(put.body(), Catch::Contains("TOOMANYREQUESTS"));
        }
        auto put = send(c, http::verb::put, commit_target(post, digest_of(data)), data);
        CHECK(put.result_int() == 201);
        CHECK(c.connects() == 1);
    }
    SECTION("chunked PATCH is framed, so the request after it can be scripted") {
        std::string data = pattern_bytes(100000, 4);
        auto post = send(c, http::verb::post, "/v2/app/blobs/uploads/");
        REQUIRE(post.result_int() == 202);
        http_request patch{http::verb::patch, parse_url(std::string(post[http::field::location])).target, 11};
        patch.set(http::field::content_type, "application/octet-stream");
        patch.body() = data;
        patch.chunked(true);
        auto patched = c.send(std::move(patch));
        INFO(patched);
        REQUIRE(patched.result_int() == 202);
        CHECK(patched["Range"] == "0-" + std::to_string(data.size() - 1));
        proxy.answer("PUT", "/blobs/uploads/", 1, {.status = 503, .headers = {{"X-Injected", "yes"}}});
        auto refused = send(c, http::verb::put, commit_target(patched, digest_of(data)));
        CHECK(refused.result_int() == 503);
        CHECK(refused["X-Injected"] == "yes");
        auto put = send(c, http::verb::put, commit_target(patched, digest_of(data)));
        CHECK(put.result_int() == 201);
        CHECK(c.connects() == 1);
    }
    SECTION("Connection: close answers, also for a client that expects 100 Continue") {
        proxy.answer("GET", "^/v2/$", 1, {.status = 500, .close_connection = true});
        auto closed = send(c, http::verb::get, "/v2/");
        CHECK(closed.result_int() == 500);
        CHECK_FALSE(closed.keep_alive());
        CHECK_FALSE(c.is_open());
        proxy.answer_500("PUT", "", 1);
        auto expecting = send(c, http::verb::put, "/v2/app/blobs/uploads/x", pattern_bytes(200000, 5),
                              {{"Expect", "100-continue"}});
        CHECK(expecting.result_int() == 500);
        CHECK_FALSE(expecting.keep_alive());
        CHECK(send(c, http::verb::get, "/v2/").result_int() == 200);
        CHECK(c.connects() == 3);
    }
    SECTION("drop a request after part of its body; the client sees a dropped connection") {
        std::string data = pattern_bytes(300000, 6);
        auto post = send(c, http::verb::post, "/v2/app/blobs/uploads/");
        REQUIRE(post.result_int() == 202);
        auto before = proxy.bytes_upstream();
        proxy.drop_requests("PUT", "/blobs/uploads/", 1, 1000);
        std::string target = commit_target(post, digest_of(data));
        CHECK_THROWS(send(c, http::verb::put, target, data));
        auto seen = proxy.requests();
        REQUIRE_FALSE(seen.empty());
        CHECK(seen.back().outcome == fault_outcome::dropped);
        // Head + exactly 1000 body bytes went upstream.
        auto forwarded = proxy.bytes_upstream() - before;
        CHECK(forwarded > 1000);
        CHECK(forwarded < 1000 + 2000);
        // Starting over works.
        std::string digest = push_blob(c, "app", data);
        CHECK(reg.has_blob(digest));
        CHECK(c.connects() == 2);
    }
    SECTION("drop connections after N client bytes") {
        proxy.drop_connections_after(40, 1);
        CHECK_THROWS(send(c, http::verb::get, "/v2/"));
        CHECK(proxy.bytes_upstream() == 40);
        CHECK(send(c, http::verb::get, "/v2/").result_int() == 200);
        proxy.drop_connections_after(0, 1);
        c.close();
        CHECK_THROWS(send(c, http::verb::get, "/v2/"));
        CHECK(proxy.connections() == 3);
        CHECK(proxy.pending_scripts() == 0);
    }
    SECTION("a stalled request gets no answer; the next connection is served") {
        http_connection patient("127.0.0.1", proxy.port(), false, {.timeout = std::chrono::milliseconds(300)});
        proxy.stall_requests("POST", "/blobs/uploads/$", 1);
        CHECK_THROWS(send(patient, http::verb::post, "/v2/app/blobs/uploads/"));
        auto seen = proxy.requests();
        REQUIRE_FALSE(seen.empty());
        CHECK(seen.back().outcome == fault_outcome::stalled);
        CHECK(proxy.bytes_upstream() == 0);
        CHECK(send(c, http::verb::post, "/v2/app/blobs/uploads/").result_int() == 202);
    }
}

TEST_CASE("fault proxy answers before the body and resets the connection on script", "[registry_fixtures]") {
    registry_server reg;
    fault_proxy proxy("127.0.0.1", reg.port());
    proxy.answer("PUT", "/blobs/uploads/", 1, {.status = 413, .before_body = true});
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(proxy.port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    // Only the head goes out: the answer must come without the 10 MB it announces.
    const std::string head = "PUT /v2/app/blobs/uploads/x?digest=sha256%3A00 HTTP/1.1\r\nHost: x\r\n"
                             "Content-Length: 10000000\r\n\r\n";
    REQUIRE(::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
    std::string answer;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(proxy.pending_scripts() == 0);
}

TEST_CASE("nginx front passes requests on and refuses a body over its cap with 413", "[registry_fixtures]") {
    registry_server reg;
    nginx_front front(reg.address(), {.client_max_body_size = "64k"});
    http_connection c("127.0.0.1", front.port());
    CHECK(send(c, http::verb::get, "/v2/").result_int() == 200);
    const std::string small = pattern_bytes(5000, 8), large = pattern_bytes(100000, 9);
    CHECK(reg.has_blob(push_blob(c, "app", small)));
    {
        http_connection d("127.0.0.1", front.port());
        auto post = send(d, http::verb::post, "/v2/app/blobs/uploads/");
        REQUIRE(post.result_int() == 202);
        CHECK(send(d, http::verb::put, commit_target(post, digest_of(large)), large).result_int() == 413);
    }
    CHECK_FALSE(reg.has_blob(digest_of(large)));
    // nginx logs a refused request once it is done with its connection.
    auto logged = front.requests();
    for (int i = 0; i < 100 && logged.size() < 5; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        logged = front.requests();
    }
    REQUIRE(logged.size() == 5);
    CHECK(logged[0].method == "GET");
    CHECK(logged[2].method == "PUT");
    CHECK(logged[2].status == 201);
    CHECK(logged[4].status == 413);
    CHECK(logged[4].method == "PUT");
    front.forget_requests();
    CHECK(front.requests().empty());
}

TEST_CASE("redirecting front sends blob downloads to another origin", "[registry_fixtures]") {
    registry_server reg({.htpasswd = htpasswd_auth{.users = {{"user", "pass"}}}});
    redirecting_front front("127.0.0.1", reg.port());
    http_connection c("127.0.0.1", front.port());
    header_list auth{{"Authorization", basic("user", "pass")}};

    std::string data = pattern_bytes(123456, 7);
    auto post = send(c, http::verb::post, "/v2/app/blobs/uploads/", {}, auth);
    REQUIRE(post.result_int() == 202);
    // The registry built the Location from the Host it was sent: the front.
    CHECK(parse_url(std::string(post[http::field::location])).port == front.port());
    auto put = send(c, http::verb::put, commit_target(post, digest_of(data)), data,
                    {auth[0], {"Content-Type", "application/octet-stream"}});
    REQUIRE(put.result_int() == 201);
    std::string digest = digest_of(data);

    CHECK(send(c, http::verb::get, "/v2/app/blobs/" + digest).result_int() == 401);
    auto redirect = send(c, http::verb::get, "/v2/app/blobs/" + digest, {}, auth);
    REQUIRE(redirect.result_int() == 307);
    std::string location(redirect[http::field::location]);
    CHECK(location == "http://127.0.0.1:" + std::to_string(front.blob_host().port()) + "/blob/" + digest);
    auto head = send(c, http::verb::head, "/v2/app/blobs/" + digest, {}, auth);
    CHECK(head.result_int() == 307);
    CHECK(send(c, http::verb::get, "/v2/app/blobs/sha256:" + std::string(64, '0'), {}, auth).result_int() ==
          404);
    CHECK(front.redirects() == 2);

    auto fetched = http_fetch(http::verb::get, location);
    CHECK(fetched.result_int() == 200);
    CHECK(fetched.body() == data);
    auto fetched_head = http_fetch(http::verb::head, location);
    CHECK(fetched_head[http::field::content_length] == std::to_string(data.size()));

    CHECK(front.blob_host().recorder().size() == 2);
    CHECK(front.blob_host().recorder().count_with_header("Authorization") == 0);
    CHECK(front.recorder().count_with_header("Authorization") == 5);
    // And the recorder does see an Authorization header when one is sent (the check above is real).
    http_fetch(http::verb::get, location, {}, auth);
    CHECK(front.blob_host().recorder().count_with_header("Authorization") == 1);
}
