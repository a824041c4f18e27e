// Authentication on both sides of lading-mirror: an upstream behind token auth (the mirror
// uses docker's credentials), and a mirror that serves TLS and asks its clients for Basic
// auth from an htpasswd file.
#include "mirror_fixture.hpp"
#include "registry_support.hpp"

#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace lading::test;
namespace http = boost::beast::http;

TEST_CASE("an upstream behind token auth is pulled with docker's credentials", "[mirror][auth]")
{
    temp_dir work("lading-mirror-token-");
    test_ca ca(work / "ca");
    token_server tokens(robot_tokens(ca));
    counted_upstream up(registry_options{.token = token_auth_for(tokens, ca)});
    auto push_config = write_docker_config(work / "push-docker", up.registry().address(), "robot", "tok-pw");
    auto image = push_image(work.path(), up.registry().address(), "private/app:1", {1 << 20}, 13, push_config);
    auto mirror_config = write_docker_config(work / "mirror-docker", up.address(), "robot", "tok-pw");
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}, {{"DOCKER_CONFIG", mirror_config.string()}}});

    // The client needs no credentials: the mirror holds them.
    skopeo_pull(mirror.address() + "/private/app:1", work / "out");
    CHECK(up.blob_gets(image.layer_digests[0]) == 1);
    bool robot_asked = false;
    for (const auto& r : tokens.requests()) robot_asked = robot_asked || (r.user == "robot" && r.status == 200);
    CHECK(robot_asked);
}

TEST_CASE("the mirror serves TLS and checks clients against an htpasswd file", "[mirror][auth][tls]")
{
    temp_dir work("lading-mirror-tls-");
    test_ca ca(work / "ca");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1 << 20}, 14);
    auto made = run_process({"htpasswd", "-Bbn", "reader", "s3cret"});
    REQUIRE(made.succeeded());
    std::ofstream(work / "htpasswd") << made.out;
    auto server = ca.server();
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--tls-cert", server.certificate.string(), "--tls-key",
                                            server.key.string(), "--htpasswd", (work / "htpasswd").string()}});
    const auto base = "https://" + mirror.address();
    http_client_options trust{.ca_file = ca.ca_certificate()};

    auto anonymous = http_fetch(http::verb::get, base + "/v2/", {}, {}, trust);
    CHECK(anonymous.result_int() == 401);
    CHECK(anonymous[http::field::www_authenticate] == "Basic realm=\"lading-mirror\"");
    auto wrong = http_fetch(http::verb::get, base + "/v2/", {}, {{"Authorization", "Basic cmVhZGVyOm5vcGU="}}, trust);
    CHECK(wrong.result_int() == 401);

    auto certs = work / "certs";
    std::filesystem::create_directories(certs);
    std::filesystem::copy_file(ca.ca_certificate(), certs / "ca.crt");
    skopeo_pull(mirror.address() + "/app:1", work / "out",
                {"--src-cert-dir", certs.string(), "--src-tls-verify=true", "--src-creds", "reader:s3cret"});
    CHECK(up.blob_gets(image.layer_digests[0]) == 1);
}
