// The bake files' JSON reader: strict JSON, every key and value with its line and column.
#include "bake/positioned_json.hpp"

#include <catch2/catch.hpp>

using namespace lading::bake;

namespace {

json_syntax_error syntax_error_of(std::string_view text)
{
    json_syntax_error error;
    CHECK_FALSE(parse_positioned_json(text, error));
    return error;
}

}  // namespace

TEST_CASE("bake JSON: keys and values keep their line and column", "[bake][json]")
{
    json_syntax_error error;
    auto doc = parse_positioned_json("{\n  \"a\": [1, true,\n\t\"x\"],\n  \"é\": {\"k\": null}, \"n\": -1.5e3\n}", error);
    REQUIRE(doc);
    REQUIRE(doc->is_object());
    REQUIRE(doc->members.size() == 3);
    const auto& a = doc->members[0];
    CHECK(a.key == "a");
    CHECK(a.key_at == source_position{2, 3});
    CHECK(a.value.at == source_position{2, 8});
    REQUIRE(a.value.items.size() == 3);
    CHECK(a.value.items[0].text == "1");
    CHECK(a.value.items[1].at == source_position{2, 12});
    CHECK(a.value.items[1].boolean);
    CHECK(a.value.items[2].at == source_position{3, 2});
    const auto& accented = doc->members[1];
    CHECK(accented.key == "é");
    CHECK(accented.value.at == source_position{4, 8});  // "é" is one column
    CHECK(accented.value.find("k")->type == json_node::kind::null);
    CHECK(doc->members[2].value.text == "-1500");  // as HCL writes numbers
    CHECK(doc->members[2].value.at == source_position{4, 26});
}

TEST_CASE("bake JSON: escapes are decoded and strings without them are marked verbatim", "[bake][json]")
{
    json_syntax_error error;
    auto doc = parse_positioned_json(R"(["a\"b\\\/\n\u00e9\ud83d\ude00", "plain"])", error);
    REQUIRE(doc);
    CHECK(doc->items[0].text == "a\"b\\/\n\xc3\xa9\xf0\x9f\x98\x80");
    CHECK_FALSE(doc->items[0].verbatim);
    CHECK(doc->items[1].verbatim);
}

TEST_CASE("bake JSON: syntax errors name their position", "[bake][json]")
{
    auto e = syntax_error_of("{\"a\": [1, 2,]}");
    CHECK(e.at == source_position{1, 13});
    CHECK(e.message == "trailing comma before ']'");

    e = syntax_error_of("{\n  \"a\" 1\n}");
    CHECK(e.at == source_position{2, 7});
    CHECK(e.message == "expected ':' after the key, found '1'");

    e = syntax_error_of("{\"a\": \"open\n");
    CHECK(e.at == source_position{1, 12});
    CHECK(e.message.find("control character") != std::string::npos);

    e = syntax_error_of("{\"a\": \"never closed");
    CHECK(e.at == source_position{1, 7});
    CHECK(e.message == "unterminated string");

    e = syntax_error_of("[tru]");
    CHECK(e.at == source_position{1, 2});

    e = syntax_error_of("[01]");
    CHECK(e.message == "a number cannot start with 0");

    e = syntax_error_of("{} {}");
    CHECK(e.at == source_position{1, 4});
    CHECK(e.message == "unexpected '{' after the JSON value");

    e = syntax_error_of("{\"a\": 1,\n \"a\": 2}");
    CHECK(e.at == source_position{2, 2});
    CHECK(e.message == "duplicate key \"a\"");

    e = syntax_error_of("{'a': 1}");
    CHECK(e.message == "expected a quoted key, found '''");

    e = syntax_error_of("");
    CHECK(e.message == "expected a JSON value, found end of file");

    e = syntax_error_of(R"(["\x"])");
    CHECK(e.at == source_position{1, 3});
    CHECK(e.message == "unknown escape \\x");

    CHECK(syntax_error_of(std::string(300, '[')).message == "nesting deeper than 200 levels");
}
