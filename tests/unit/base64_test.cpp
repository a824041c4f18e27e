// Base64 in core/formats: the RFC 4648 §10 test vectors both ways, the URL-safe alphabet,
// unpadded input (Docker's config.json "auth" entries are sometimes written so), and what
// it refuses.
#include <lading/formats/base64.hpp>

#include <catch2/catch.hpp>

using lading::formats::base64_decode;
using lading::formats::base64_encode;
using lading::formats::base64url_decode;
using lading::formats::base64url_encode;

TEST_CASE("base64 matches the RFC 4648 test vectors", "[formats][base64]")
{
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (auto [plain, encoded] : vectors) {
        INFO(plain);
        CHECK(base64_encode(plain) == encoded);
        CHECK(base64_decode(encoded) == plain);
    }
}

TEST_CASE("base64 decodes input whose padding was left off", "[formats][base64]")
{
    CHECK(base64_decode("Zg") == "f");
    CHECK(base64_decode("Zm8") == "fo");
    CHECK(base64_decode("Zm9vYmE") == "fooba");
    // A Docker "auth" entry of user:averylongpassword1 without its '=' (a past overflow).
    CHECK(base64_decode("dXNlcjphdmVyeWxvbmdwYXNzd29yZDE") == "user:averylongpassword1");
}

TEST_CASE("base64 carries every byte value", "[formats][base64]")
{
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    for (std::size_t length = 0; length <= all.size(); length += 37) {
        auto bytes = all.substr(all.size() - length);
        CHECK(base64_decode(base64_encode(bytes)) == bytes);
        CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
    }
    CHECK(base64_encode("\xfb\xff\xbf") == "+/+/");
}

TEST_CASE("base64url uses '-' and '_' and no padding", "[formats][base64]")
{
    CHECK(base64url_encode("\xfb\xff") == "-_8");
    CHECK(base64url_encode("\xfb\xff\xbf") == "-_-_");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_decode("-_8") == "\xfb\xff");
    CHECK(base64url_decode("Zg==") == "f");
}

TEST_CASE("base64 refuses characters outside its alphabet and impossible lengths", "[formats][base64]")
{
    CHECK_FALSE(base64_decode("Zm9v!"));
    CHECK_FALSE(base64_decode("Zm 9v"));
    CHECK_FALSE(base64_decode("Zm9v\n"));
    CHECK_FALSE(base64_decode("Zg==Zg=="));  // padding in the middle
    CHECK_FALSE(base64_decode("Zg==="));
    CHECK_FALSE(base64_decode("Zm9vY"));  // one sextet cannot end an encoding
    CHECK_FALSE(base64_decode("-_8"));    // the URL-safe alphabet is not the standard one
    CHECK_FALSE(base64url_decode("+/8"));
}
