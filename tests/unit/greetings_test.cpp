// What sessions sharing greetings find: a greeting is found only under the key of the
// settings that decide a registry's answer (host, registry.insecure, the http setting, the
// CA files), and a key is never made from two different lists of settings.
#include "registry/greetings_table.hpp"
#include <lading/registry/errc.hpp>

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

TEST_CASE("an unanswered greeting is given to the sessions that waited for it, not to later ones", "[registry]")
{
    greetings shared;
    auto& learned = shared.learned();
    const auto key = greeting_key("silent.test", false, false, {});
    const auto waited_from = std::chrono::steady_clock::now();
    const auto failed_at = waited_from + std::chrono::seconds(30);
    learned.keep_failure(key, {lading::registry::errc::unresponsive, "registry silent.test did not answer", failed_at});
    auto taken = learned.failure_since(key, waited_from);
    REQUIRE(taken);
    CHECK(taken->code == lading::registry::errc::unresponsive);
    CHECK(taken->message == "registry silent.test did not answer");
    // A session that began after the failure greets the registry itself.
    CHECK_FALSE(learned.failure_since(key, failed_at + std::chrono::milliseconds(1)));
    CHECK_FALSE(learned.failure_since(greeting_key("other.test", false, false, {}), waited_from));
    // A greeting that succeeds later clears it.
    learned.keep(key, {url::parse("https://silent.test/"), std::nullopt, host_reach::outside});
    CHECK_FALSE(learned.failure_since(key, waited_from));
}
