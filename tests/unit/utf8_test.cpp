// Well-formed UTF-8 as RFC 3629 defines it, and the offset of the first byte that is not.
#include "text/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>

using lading::text::first_invalid_utf8;

TEST_CASE("utf8: well-formed text of every length passes", "[text][utf8]")
{
    CHECK_FALSE(first_invalid_utf8(""));
    CHECK_FALSE(first_invalid_utf8("plain ascii\n"));
    CHECK_FALSE(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xB3"));  // é € 🐳
    CHECK_FALSE(first_invalid_utf8("\xED\x9F\xBF \xEE\x80\x80 \xF4\x8F\xBF\xBF"));  // U+D7FF U+E000 U+10FFFF
}

TEST_CASE("utf8: the first byte that is not part of a character is found", "[text][utf8]")
{
    CHECK(first_invalid_utf8("ab\xFF\xFE") == 2u);
    CHECK(first_invalid_utf8("\x80") == 0u);                  // a continuation byte alone
    CHECK(first_invalid_utf8("x\xC3") == 1u);                 // truncated at the end
    CHECK(first_invalid_utf8("x\xE2\x82y") == 1u);            // truncated in the middle
    CHECK(first_invalid_utf8("\xC0\xAF") == 0u);              // overlong '/'
    CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0u);          // overlong, three bytes
    CHECK(first_invalid_utf8("\xF0\x80\x80\xAF") == 0u);      // overlong, four bytes
    CHECK(first_invalid_utf8("\xED\xA0\x80") == 0u);          // a surrogate (U+D800)
    CHECK(first_invalid_utf8("ok \xF4\x90\x80\x80") == 3u);   // past U+10FFFF
    CHECK(first_invalid_utf8("\xF5\x80\x80\x80") == 0u);
}
