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

}  // namespace lading::test_tar
