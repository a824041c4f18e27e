// Tar archives written byte by byte for the tests, independently of lading's encoder, so
// that a test can state any header field (odd type flags, base-256 numbers, broken
// checksums, PAX records of any length) and check what lading and other readers make of it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lading::test_tar {

// A 512-byte header block with each field as given: text fields are copied as they are
// (numbers as octal text, or raw bytes such as base-256), the checksum is computed unless
// told otherwise.
struct raw_header {
    std::string name;
    char typeflag = '0';
    std::string mode = "0000644";
    std::string uid = "0000000";
    std::string gid = "0000000";
    std::string size;  // empty: octal of size_value
    std::uint64_t size_value = 0;
    std::string mtime = "14000000000";
    std::string link_name;
    std::string magic = std::string("ustar\0" "00", 8);
    std::string user_name, group_name;
    std::string dev_major, dev_minor;
    std::string prefix;  // bytes 345..500
    bool break_checksum = false;
};
std::string raw_block(const raw_header& h);

// `v` as `digits` zero-padded octal digits.
std::string octal(std::uint64_t v, int digits);

// `v` in GNU base-256 for a field of `width` bytes (negative numbers in two's complement).
std::string base256(std::int64_t v, std::size_t width);

// One PAX record with its length computed.
std::string pax_record(const std::string& key, const std::string& value);

// An extended header ('x', or 'g' for a global one) holding these records, padded.
std::string pax_header(const std::vector<std::pair<std::string, std::string>>& records, char typeflag = 'x',
                       const std::string& name = "PaxHeaders/x");

// A GNU long name ('L') or long link name ('K') entry carrying `name`, padded.
std::string gnu_long_name(const std::string& name, char typeflag = 'L');

// Content padded to whole blocks.
std::string padded(const std::string& content);

// Two zero blocks.
std::string end_marker();

// One archive member with its header fields as numbers, for tests that want an ordinary
// member rather than a hand-set block. A name over 100 bytes or a link name over 100 bytes
// goes into a PAX 'x' header in front of the member (the name into a GNU 'L' entry instead
// when gnu_long_name is set), together with the records in `pax`.
struct member {
    std::string name{};
    char type = '0';
    // The payload of a regular file ('0'); for an 'x' or 'g' member, the extended header's
    // records as they are written, so that a test can give it any bytes.
    std::string content{};
    std::string link_name{};
    std::uint32_t mode = 0644;
    std::uint32_t uid = 0, gid = 0;
    std::string user_name{}, group_name{};
    std::int64_t mtime = 1'700'000'000;  // a negative time is written as 0
    std::uint32_t dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> pax{};
    bool gnu_long_name = false;
};

// The blocks of one member: its extended header or GNU long name if it needs one, its
// header, its padded payload.
std::string member_blocks(const member& m);

// The members, the end-of-archive marker, then zeros up to a multiple of `record_size`
// (GNU tar writes 10240-byte records; 512 adds nothing).
std::string archive_of(const std::vector<member>& members, std::size_t record_size = 512);

// A few members of the usual kinds, with the modes archivers give them.
member file_member(std::string name, std::string content);
member directory_member(std::string name);
member symlink_member(std::string name, std::string target);
member hardlink_member(std::string name, std::string target);
// A PAX extended header ('x') holding `records` as they are given, for the member after it.
member pax_member(std::string records);

}  // namespace lading::test_tar
