// What a bake file's bytes must be before the JSON reader sees them: a readable file (not a
// directory), UTF-8, with no byte order mark.
#include "bake/bake_file_text.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace lading::bake;

namespace {

bake_text_fault fault_of(const std::variant<std::string, bake_text_fault>& read)
{
    REQUIRE(std::holds_alternative<bake_text_fault>(read));
    return std::get<bake_text_fault>(read);
}

}  // namespace

TEST_CASE("bake file text: a directory is named as one", "[bake][bake_text]")
{
    lading::test::temp_dir dir{"lading-bake-"};
    auto fault = fault_of(read_bake_text(dir.path()));
    CHECK_FALSE(fault.at);
    CHECK(fault.message == "bake file " + dir.path().string() + " is a directory; name a file");
}

TEST_CASE("bake file text: UTF-8 is read as it is", "[bake][bake_text]")
{
    lading::test::temp_dir dir{"lading-bake-"};
    auto file = dir / "ok.json";
    lading::test::write_bytes(file, "{\"target\": {\"a\": {\"labels\": {\"k\": \"caf\xC3\xA9\"}}}}");
    auto read = read_bake_text(file);
    REQUIRE(std::holds_alternative<std::string>(read));
    CHECK(std::get<std::string>(read) == "{\"target\": {\"a\": {\"labels\": {\"k\": \"caf\xC3\xA9\"}}}}");
}

TEST_CASE("bake file text: bytes that are not UTF-8 are refused at their line and column", "[bake][bake_text]")
{
    lading::test::temp_dir dir{"lading-bake-"};
    auto file = dir / "bad.json";
    lading::test::write_bytes(file, "{\"target\": {\"a\": {\n  \"labels\": {\"k\": \"\xC3\xA9\xFF\xFE\"}}}}");
    auto fault = fault_of(read_bake_text(file));
    REQUIRE(fault.at);
    CHECK(*fault.at == source_position{2, 21});
    CHECK(fault.message == "invalid UTF-8 (byte 0xFF); a bake file must be UTF-8 text");
}

TEST_CASE("bake file text: a byte order mark is refused, as bake refuses it in JSON, in HCL too", "[bake][bake_text]")
{
    auto fault = check_bake_encoding("\xEF\xBB\xBF{\"target\": {}}");
    REQUIRE(fault);
    REQUIRE(fault->at);
    CHECK(*fault->at == source_position{1, 1});
    CHECK(fault->message == "the file starts with a UTF-8 byte order mark (BOM), which a bake file cannot have; "
                            "save it without one");
    CHECK_FALSE(check_bake_encoding("{\"target\": {\"a\": {\"labels\": {\"bom\": \"\xEF\xBB\xBF\"}}}}"));
}
