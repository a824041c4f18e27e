// Go-style JSON strings in core/formats (the eStargz TOC's): which bytes are escaped and
// how, and invalid UTF-8 replaced byte by byte, as Go's encoding/json does.
#include <lading/formats/json_text.hpp>

#include <catch2/catch.hpp>

namespace {
std::string quoted(std::string_view s)
{
    std::string out;
    lading::formats::append_json_string(out, s);
    return out;
}
}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes and control bytes as Go does", "[formats][json_text]")
{
    CHECK(quoted("") == R"("")");
    CHECK(quoted("usr/bin/env") == R"("usr/bin/env")");
    CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
    CHECK(quoted("\n\r\t") == R"("\n\r\t")");
    CHECK(quoted(std::string("\x00\x01\x08\x0c\x1f", 5)) == R"("\u0000\u0001\u0008\u000c\u001f")");
    CHECK(quoted("<&> /\x7f") == "\"<&> /\x7f\"");
}

TEST_CASE("JSON strings keep valid UTF-8 and replace each invalid byte", "[formats][json_text]")
{
    CHECK(quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    CHECK(quoted("bad\xffname") == R"("bad\ufffdname")");
    CHECK(quoted("\xc0\xaf") == R"("\ufffd\ufffd")");          // overlong '/'
    CHECK(quoted("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");  // a surrogate
    CHECK(quoted("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
    CHECK(quoted("\xe2\x82") == R"("\ufffd\ufffd")");          // cut short
}
