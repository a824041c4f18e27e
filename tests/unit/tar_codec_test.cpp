// The tar header codec (core/formats) on its own: numbers, checksums, PAX records, and the
// rules for the blocks in front of an entry, driven through byte spans.
#include "common/tar_builder.hpp"

#include <lading/formats/list_archive.hpp>
#include <lading/formats/pax_records.hpp>
#include <lading/formats/ustar_block.hpp>

#include <catch2/catch.hpp>

namespace tt = lading::test_tar;
namespace ustar = lading::formats::ustar;
namespace pax = lading::formats::pax;

namespace {

std::vector<ustar::decoded_entry> list(const std::string& archive)
{
    return ustar::list_archive({reinterpret_cast<const std::uint8_t*>(archive.data()), archive.size()});
}

std::string file(const std::string& name, const std::string& content)
{
    tt::raw_header h;
    h.name = name;
    h.size_value = content.size();
    return tt::raw_block(h) + tt::padded(content);
}

}  // namespace

TEST_CASE("tar codec: numeric fields in octal and base-256", "[tar_codec]")
{
    using std::string_view;
    CHECK(ustar::decode_number("0000644") == 0644);
    CHECK(ustar::decode_number(string_view("  644 \0", 7)) == 0644);
    CHECK(ustar::decode_number(string_view("\0\0\0\0\0\0\0\0", 8)) == 0);
    CHECK_FALSE(ustar::decode_number("06x4"));
    CHECK(ustar::decode_number(tt::base256(1ll << 40, 12)) == 1ll << 40);
    CHECK(ustar::decode_number(tt::base256(-1, 12)) == -1);
    CHECK(ustar::decode_number(tt::base256(-86400, 12)) == -86400);
    CHECK(ustar::decode_number(tt::base256(INT64_MAX, 12)) == INT64_MAX);
    CHECK(ustar::decode_number(tt::base256(INT64_MIN, 12)) == INT64_MIN);
    // Beyond int64: 2^64 in a 12-byte field.
    std::string huge(12, '\0');
    huge[0] = static_cast<char>(0x80);
    huge[3] = 1;
    CHECK_FALSE(ustar::decode_number(huge));
    // Only 0x80 and 0xff start base-256 numbers.
    std::string odd = tt::base256(5, 12);
    odd[0] = static_cast<char>(0x81);
    CHECK_FALSE(ustar::decode_number(odd));
}

TEST_CASE("tar codec: PAX records", "[tar_codec]")
{
    auto records = pax::parse_records("5 a=\n12 path=x/y\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].key == "a");
    CHECK(records[0].value.empty());
    CHECK(records[1].value == "x/y");
    CHECK(pax::encode_record("path", std::string(92, 'p')) == "102 path=" + std::string(92, 'p') + "\n");  // 2 digits would not fit
    for (const char* bad : {"6 a=b", "4 a=\n", "7 ab\n\n", "99 a=b\n", "18446744073709551615 a=b\n", "18446744073709551621 a=b\n",
                            "x a=b\n", "6 =bb\n"})
        CHECK_THROWS_AS(pax::parse_records(bad), lading::formats::format_error);
    CHECK(pax::parse_time("-1.25")->seconds == -2);
    CHECK(pax::parse_time("-1.25")->nanoseconds == 750'000'000);
    CHECK_FALSE(pax::parse_time("1."));
}

TEST_CASE("tar codec: an archive decoded from a span", "[tar_codec]")
{
    const auto entries = list(tt::pax_header({{"path", "long/name"}, {"SCHILY.xattr.user.b", "2"}, {"SCHILY.xattr.user.a", "1"}}) +
                              file("short", "abc") + tt::gnu_long_name("gnu/name") + file("g", "") + tt::end_marker());
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "long/name");
    CHECK(entries[0].size == 3);
    CHECK(entries[0].xattrs == std::vector<std::pair<std::string, std::string>>{{"user.a", "1"}, {"user.b", "2"}});
    CHECK(entries[1].name == "gnu/name");
    CHECK(entries[1].xattrs.empty());
}

TEST_CASE("tar codec: extended headers are bounded before they are read", "[tar_codec]")
{
    tt::raw_header h;
    h.name = "PaxHeaders/x";
    h.typeflag = 'x';
    h.size_value = ustar::max_extended_headers + 1;
    ustar::header_decoder decoder;
    const std::string block = tt::raw_block(h);
    CHECK_THROWS_WITH(decoder.take_block(ustar::block_view(reinterpret_cast<const std::uint8_t*>(block.data()), 512)),
                      Catch::Contains("too large"));

    h.size_value = ustar::max_extended_headers;  // exactly the limit is allowed
    ustar::header_decoder at_limit;
    const std::string limit_block = tt::raw_block(h);
    CHECK(at_limit.take_block(ustar::block_view(reinterpret_cast<const std::uint8_t*>(limit_block.data()), 512)) ==
          ustar::header_decoder::step::extension);
    CHECK(at_limit.extension_size() == ustar::max_extended_headers);
}
