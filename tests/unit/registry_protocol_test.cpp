#include <lading/error.hpp>
#include "registry/challenge.hpp"
#include "registry/host_address.hpp"
#include "registry/retry_policy.hpp"
#include "registry/url.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace lading::registry;

TEST_CASE("Bearer challenges with quoted, escaped and space-separated scopes", "[registry]")
{
    auto c = parse_challenges(
        R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull repository:c/d:pull,push",error="insufficient_scope")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "bearer");
    CHECK(c[0].params.at("realm") == "https://auth.example/token");
    CHECK(c[0].params.at("service") == "registry.example");
    CHECK(split_scopes(c[0].params.at("scope")) ==
          std::vector<std::string>{"repository:a/b:pull", "repository:c/d:pull,push"});
    CHECK(parse_challenges(R"(Basic realm="a \"quoted\" realm")")[0].params.at("realm") == R"(a "quoted" realm)");
}

TEST_CASE("several challenges in one header, any case", "[registry]")
{
    auto c = parse_challenges(R"(Negotiate abc==, BASIC Realm="basic-realm", bearer realm="https://t/x")");
    REQUIRE(c.size() == 3);
    CHECK(c[0].scheme == "negotiate");
    CHECK(c[1].scheme == "basic");
    CHECK(c[1].params.at("realm") == "basic-realm");
    CHECK(c[2].scheme == "bearer");
}

TEST_CASE("malformed challenges are errors", "[registry]")
{
    CHECK_THROWS_AS(parse_challenges(R"(Bearer realm="unterminated)"), lading::error);
    CHECK_THROWS_AS(parse_challenges(R"(Bearer realm="x" "junk")"), lading::error);
    CHECK_THROWS_AS(parse_challenges("="), lading::error);
}

TEST_CASE("URLs: ports, IPv6, Location resolution, no user info", "[registry]")
{
    auto u = url::parse("https://127.0.0.1:5000/v2/?x=1");
    CHECK(u.host_port() == "127.0.0.1:5000");
    CHECK(u.target == "/v2/?x=1");
    CHECK(url::parse("http://reg.example").port == "80");
    CHECK(url::parse("https://[::1]:8443/").host_port() == "[::1]:8443");
    CHECK(u.resolve("/v2/a/blobs/uploads/uuid?_state=s").str() == "https://127.0.0.1:5000/v2/a/blobs/uploads/uuid?_state=s");
    CHECK(u.resolve("http://other:1/x").origin() == "http://other:1");
    CHECK_FALSE(u.same_origin(url::parse("https://127.0.0.1:5001/")));
    CHECK_THROWS_AS(url::parse("https://user:pw@host/"), lading::error);
    CHECK_THROWS_AS(url::parse("ftp://host/"), lading::error);
    CHECK(query_escape("sha256:ab/+ c") == "sha256%3Aab%2F%2B%20c");
}

TEST_CASE("Retry-After in seconds or as an HTTP-date, backoff doubles and is capped", "[registry]")
{
    auto now = std::chrono::system_clock::from_time_t(1700000000);  // Tue, 14 Nov 2023 22:13:20 GMT
    CHECK(parse_retry_after("3", now) == std::chrono::seconds(3));
    CHECK(parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now) == std::chrono::seconds(10));
    CHECK_FALSE(parse_retry_after("soon", now));
    retry_policy p;
    CHECK(p.delay(1) == std::chrono::milliseconds(200));
    CHECK(p.delay(2) == std::chrono::milliseconds(400));
    CHECK(p.delay(30) == p.max_delay);
    CHECK(p.delay(1, "2") == std::chrono::milliseconds(2000));
    CHECK(p.delay(1, "100000") == p.max_delay);
    CHECK(retry_policy::retryable_status(429));
    CHECK(retry_policy::retryable_status(503));
    CHECK_FALSE(retry_policy::retryable_status(404));
}

TEST_CASE("a policy's total backoff is the waits between all its attempts", "[registry]")
{
    retry_policy p;  // 6 attempts: 200, 400, 800, 1600 and 3200 ms between them
    CHECK(p.total_backoff() == std::chrono::milliseconds(6200));
    p.max_attempts = 1;
    CHECK(p.total_backoff() == std::chrono::milliseconds(0));
    p.max_attempts = 20;  // capped at max_delay each
    CHECK(p.total_backoff() == std::chrono::milliseconds(200 + 400 + 800 + 1600 + 3200 + 6400 + 13 * 10000));
}

TEST_CASE("a Retry-After too large for milliseconds or for the clock waits the longest delay", "[registry]")
{
    auto now = std::chrono::system_clock::from_time_t(1700000000);
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == std::chrono::seconds(253402300799 - 1700000000));
    retry_policy p;
    // Seconds whose milliseconds overflow into a negative delay, a short one, a long one.
    for (const char* huge : {"9999999999999999", "18446744073709552", "99999999999999999", "9223372036854775807",
                             "Fri, 31 Dec 9999 23:59:59 GMT"}) {
        INFO("Retry-After: " << huge);
        CHECK(p.delay(1, huge) == p.max_delay);
    }
}

TEST_CASE("loopback is a literal address or localhost, never a name that looks like one", "[registry]")
{
    CHECK(is_loopback_host("127.0.0.1:5000"));
    CHECK(is_loopback_host("127.1.2.3"));
    CHECK(is_loopback_host("[::1]:5000"));
    CHECK(is_loopback_host("[::1]"));
    CHECK(is_loopback_host("::1"));
    CHECK(is_loopback_host("localhost:5000"));
    CHECK(is_loopback_host("localhost"));
    // IPv4-mapped IPv6 reaches the IPv4 loopback, so it counts (as in Go's net.IP.IsLoopback).
    CHECK(is_loopback_host("[::ffff:127.0.0.1]"));
    CHECK(is_loopback_host("[::ffff:127.0.0.1]:5000"));

    CHECK_FALSE(is_loopback_host("127.evil.example:5000"));
    CHECK_FALSE(is_loopback_host("127.evil.example"));
    CHECK_FALSE(is_loopback_host("127.0.0.1.nip.io"));
    CHECK_FALSE(is_loopback_host("localhost.example"));
    CHECK_FALSE(is_loopback_host("localhost.example:5000"));
    CHECK_FALSE(is_loopback_host("[::ffff:10.0.0.1]"));
    CHECK_FALSE(is_loopback_host("128.0.0.1:5000"));
    CHECK_FALSE(is_loopback_host("[::2]:5000"));
    CHECK_FALSE(is_loopback_host("[::1"));
    CHECK_FALSE(is_loopback_host(""));
}

TEST_CASE("a host's reach is read from its literal address, never from a name", "[registry]")
{
    CHECK(reach_of("registry.example:5000") == host_reach::outside);
    CHECK(reach_of("10.evil.example") == host_reach::outside);
    CHECK(reach_of("8.8.8.8") == host_reach::outside);
    CHECK(reach_of("172.32.0.1") == host_reach::outside);
    CHECK(reach_of("[2001:db8::1]:443") == host_reach::outside);
    CHECK(reach_of("10.0.0.1:5000") == host_reach::private_network);
    CHECK(reach_of("172.31.255.255") == host_reach::private_network);
    CHECK(reach_of("192.168.0.1") == host_reach::private_network);
    CHECK(reach_of("100.64.0.1") == host_reach::private_network);
    CHECK(reach_of("[fd12::1]:5000") == host_reach::private_network);
    CHECK(reach_of("127.0.0.1") == host_reach::this_machine);
    CHECK(reach_of("LocalHost:5000") == host_reach::this_machine);
    CHECK(reach_of("0.0.0.0:5000") == host_reach::this_machine);
    CHECK(reach_of("::") == host_reach::this_machine);
    CHECK(reach_of("[::ffff:127.0.0.1]:5000") == host_reach::this_machine);
    CHECK(reach_of("169.254.169.254") == host_reach::link_local);
    CHECK(reach_of("fe80::1") == host_reach::link_local);
    CHECK(reach_of("[::ffff:169.254.169.254]") == host_reach::link_local);
}

TEST_CASE("LADING_REGISTRY_RETRY_DELAY_MS sets the first backoff delay; nonsense is an error", "[registry]")
{
    struct restore {
        ~restore() { ::unsetenv("LADING_REGISTRY_RETRY_DELAY_MS"); }
    } unset_after;
    ::unsetenv("LADING_REGISTRY_RETRY_DELAY_MS");
    CHECK(retry_policy::from_environment().first_delay == std::chrono::milliseconds(200));
    ::setenv("LADING_REGISTRY_RETRY_DELAY_MS", "5", 1);
    auto p = retry_policy::from_environment();
    CHECK(p.first_delay == std::chrono::milliseconds(5));
    CHECK(p.delay(3) == std::chrono::milliseconds(20));
    for (const char* bad : {"-1", "fast", "5ms", "100000"}) {
        ::setenv("LADING_REGISTRY_RETRY_DELAY_MS", bad, 1);
        CHECK_THROWS_WITH(retry_policy::from_environment(), Catch::Contains("LADING_REGISTRY_RETRY_DELAY_MS must be"));
    }
}
