// The layer most tests use: every entry type the TOC knows, files of 0 B, 1 B, exactly
// 4 MiB and 9 MiB (three chunks), xattrs, long names by PAX and by GNU 'L', owners with
// names and a fractional PAX mtime.
#pragma once

#include "test_tar.hpp"

#include <vector>

namespace estargz_test {

inline constexpr std::size_t mib = std::size_t{1} << 20;

std::vector<tar_member> sample_members();
std::vector<std::uint8_t> tar_of(const std::vector<tar_member>& members, std::size_t record = 1024);

// The binary value the sample gives security.capability.
inline const std::string capability_xattr("\x01\x00\x00\x02\x00\x20\x00\x00", 8);

}  // namespace estargz_test
