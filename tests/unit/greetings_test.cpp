// What sessions sharing greetings find: a greeting is found only under the key of the
// settings that decide a registry's answer (host, registry.insecure, the http setting, the
// CA files), and a key is never made from two different lists of settings.
#include "registry/greetings_table.hpp"

#include <catch2/catch.hpp>

using lading::registry::greeting;
using lading::registry::greeting_key;
using lading::registry::greetings;
using lading::registry::host_reach;
using lading::registry::url;

TEST_CASE("a greeting's key covers every setting its answer depends on", "[registry]")
{
    const auto key = greeting_key("registry.test:5000", false, false, {"/etc/ca.pem"});
    CHECK(key == greeting_key("registry.test:5000", false, false, {"/etc/ca.pem"}));
    CHECK(key != greeting_key("registry.test:5001", false, false, {"/etc/ca.pem"}));
    CHECK(key != greeting_key("other.test:5000", false, false, {"/etc/ca.pem"}));
    CHECK(key != greeting_key("registry.test:5000", true, false, {"/etc/ca.pem"}));
    CHECK(key != greeting_key("registry.test:5000", false, true, {"/etc/ca.pem"}));
    CHECK(key != greeting_key("registry.test:5000", false, false, {}));
    CHECK(key != greeting_key("registry.test:5000", false, false, {"/etc/ca.pem", "/etc/other.pem"}));
    // Lengths keep the parts apart: a CA list cannot pass for another one.
    CHECK(greeting_key("r", false, false, {"a", "b"}) != greeting_key("r", false, false, {"a1:b"}));
}

TEST_CASE("a greeting is found under its key only, as it was kept", "[registry]")
{
    greetings shared;
    auto& learned = shared.learned();
    const auto key = greeting_key("registry.test", false, false, {});
    CHECK_FALSE(learned.find(key));
    learned.keep(key, {url::parse("http://registry.test/"), std::string("Bearer realm=\"https://auth.test/token\""),
                       host_reach::private_network});
    auto found = learned.find(key);
    REQUIRE(found);
    CHECK(found->base.scheme == "http");
    CHECK(found->challenge == std::optional<std::string>("Bearer realm=\"https://auth.test/token\""));
    CHECK(found->reach == host_reach::private_network);
    CHECK_FALSE(learned.find(greeting_key("registry.test", true, false, {})));
}
