// Tar archives built in memory for the reader and unpack tests: entries through lading's
// own header encoder. Raw header blocks with any field set by hand (GNU long names,
// base-256 numbers, PAX records, broken checksums) come from tests/common/tar_builder.
#pragma once

#include "common/tar_builder.hpp"

#include "tar/entry.hpp"

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

}  // namespace lading::test_tar
