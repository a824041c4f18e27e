// Tar archives built in memory for the reader and unpack tests: entries through lading's
// own header encoder, and raw header blocks with any field set by hand (GNU long names,
// base-256 numbers, PAX records, broken checksums) for what the encoder never writes.
#pragma once

#include <lading/tar/entry.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lading::test_tar {

struct item {
    tar::entry header;
    std::string content;
};

item file(std::string name, std::string content, std::uint32_t mode = 0644, std::int64_t mtime = 1'600'000'000);
item directory(std::string name, std::uint32_t mode = 0755, std::int64_t mtime = 1'600'000'000);
item symlink(std::string name, std::string target);
item hardlink(std::string name, std::string target);
item fifo(std::string name);
item whiteout(std::string name);  // an empty regular file, mode 0, as containerd writes them

// The items (header, content, padding) followed by the end-of-archive marker.
std::string archive(const std::vector<item>& items);

// A 512-byte header block with each field as given (text fields are copied, numbers are
// written as octal unless raw text is given) and a correct checksum unless told otherwise.
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
    std::string dev_major, dev_minor;
    std::string prefix;  // bytes 345..500
    bool break_checksum = false;
};
std::string raw_block(const raw_header& h);

// A PAX extended header ('x') holding these records, padded to whole blocks.
std::string pax_header(const std::vector<std::pair<std::string, std::string>>& records, char typeflag = 'x');

// Content padded to whole blocks.
std::string padded(const std::string& content);

// Two zero blocks.
std::string end_marker();

}  // namespace lading::test_tar
