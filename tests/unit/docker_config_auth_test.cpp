// config.json "auth" entries through the credential lookup: padded and unpadded base64 of
// user:password, a password holding ':', and entries that are not base64 refused with one
// clear message. Files only (DOCKER_CONFIG points at a temporary directory).
#include <catch2/catch.hpp>

#include "registry/credentials.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <cstdlib>
#include <optional>
#include <string>

using lading::registry::find_credential;

namespace {

// Points DOCKER_CONFIG at a fresh directory for the scope, restoring what was there.
class docker_config_dir {
public:
    docker_config_dir()
    {
        if (const char* old = std::getenv("DOCKER_CONFIG")) previous_ = old;
        ::setenv("DOCKER_CONFIG", dir_.path().c_str(), 1);
    }
    ~docker_config_dir()
    {
        if (previous_) ::setenv("DOCKER_CONFIG", previous_->c_str(), 1);
        else ::unsetenv("DOCKER_CONFIG");
    }
    void write_auth(const std::string& auth) const
    {
        lading::test::write_bytes(dir_ / "config.json", R"({"auths":{"127.0.0.1:5000":{"auth":")" + auth + R"("}}})");
    }

private:
    lading::test::temp_dir dir_;
    std::optional<std::string> previous_;
};

}  // namespace

TEST_CASE("config.json auth entries decode with or without base64 padding", "[credentials][base64]")
{
    docker_config_dir config;
    // "user:averylongpassword1" is 23 bytes: its encoding ends in one '='.
    for (const char* auth : {"dXNlcjphdmVyeWxvbmdwYXNzd29yZDE=", "dXNlcjphdmVyeWxvbmdwYXNzd29yZDE"}) {
        CAPTURE(auth);
        config.write_auth(auth);
        auto c = find_credential("127.0.0.1:5000");
        REQUIRE(c);
        CHECK(c->username == "user");
        CHECK(c->password == "averylongpassword1");
    }
    config.write_auth("Y2k6YTpiOmM=");  // ci:a:b:c — the password keeps its colons
    auto c = find_credential("127.0.0.1:5000");
    REQUIRE(c);
    CHECK(c->username == "ci");
    CHECK(c->password == "a:b:c");
}

TEST_CASE("config.json auth entries that are not base64 of user:password are refused", "[credentials][base64]")
{
    docker_config_dir config;
    // Not base64 at all; base64 of a string without ':'; a valid prefix with junk after it.
    for (const char* auth : {"not base64!", "bm9jb2xvbg==", "dXNlcjpwYXNz!!"}) {
        CAPTURE(auth);
        config.write_auth(auth);
        CHECK_THROWS_WITH(find_credential("127.0.0.1:5000"), Catch::Contains("is not base64 of user:password"));
    }
}
