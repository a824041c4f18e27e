// Tar streams built in memory for the tests: ustar headers, PAX 'x' headers for what
// ustar cannot hold (long names, xattrs, fractional times), GNU 'L' long names on request.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace estargz_test {

struct tar_member {
    std::string name;
    char type = '0';  // '0' '1' '2' '3' '4' '5' '6'
    std::string content;  // regular files
    std::string link_name;
    std::uint32_t mode = 0644;
    std::uint32_t uid = 0, gid = 0;
    std::string user_name, group_name;
    std::int64_t mtime = 1'700'000'000;
    std::uint32_t dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> pax;  // extra records, e.g. SCHILY.xattr.user.x
    bool gnu_long_name = false;  // a name over 100 bytes goes into an 'L' entry instead of PAX
};

class tar_builder {
public:
    tar_builder& add(const tar_member& m);
    // The archive, ended by two zero blocks and padded with zeros to a multiple of `record`.
    std::vector<std::uint8_t> finish(std::size_t record = 1024) const;

private:
    std::string data_;
};

// Deterministic content: runs of text-like and random bytes.
std::string test_content(std::size_t size, std::uint64_t seed);

}  // namespace estargz_test
