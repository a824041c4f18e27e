#include "export/csv_record.hpp"
#include <lading/error.hpp>

#include <catch2/catch.hpp>

using lading::parse_csv_record;

TEST_CASE("plain fields split on commas", "[csv]")
{
    CHECK(parse_csv_record("type=image,name=a:1") == std::vector<std::string>{"type=image", "name=a:1"});
    CHECK(parse_csv_record("a,,b") == std::vector<std::string>{"a", "", "b"});
    CHECK(parse_csv_record("a\n") == std::vector<std::string>{"a"});
}

TEST_CASE("quoted fields keep commas and unescape doubled quotes", "[csv]")
{
    CHECK(parse_csv_record(R"(type=image,"name=a:1,b:2",push=true)") ==
          std::vector<std::string>{"type=image", "name=a:1,b:2", "push=true"});
    CHECK(parse_csv_record(R"("a ""q"" b")") == std::vector<std::string>{R"(a "q" b)"});
}

TEST_CASE("malformed quoting is an error with a column", "[csv]")
{
    CHECK_THROWS_WITH(parse_csv_record(R"(type=image,"name=a:1)"), Catch::Contains("unbalanced") && Catch::Contains("column 12"));
    CHECK_THROWS_WITH(parse_csv_record(R"(type=image,name="a")"), Catch::Contains("bare"));
    CHECK_THROWS_WITH(parse_csv_record(R"("a"b,c)"), Catch::Contains("extraneous"));
    CHECK_THROWS_AS(parse_csv_record(R"(")"), lading::usage_error);
}

TEST_CASE("a formatted record reads back as the same fields", "[csv]")
{
    for (const auto& fields : std::vector<std::vector<std::string>>{
             {"type=image", "push=true"},
             {"name=a:1,b:2", "x"},
             {R"(annotation.k=say "hi")", ""},
             {" leading space", "a\nb"},
         }) {
        auto text = lading::format_csv_record(fields);
        INFO(text);
        CHECK(parse_csv_record(text) == fields);
    }
    CHECK(lading::format_csv_record({"type=image", "name=a:1,b:2"}) == R"(type=image,"name=a:1,b:2")");
}
