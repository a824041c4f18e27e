// The layer most tests use: every entry type the TOC knows, files of 0 B, 1 B, exactly
// 4 MiB and 9 MiB (three chunks), xattrs, long names by PAX and by GNU 'L', owners with
// names and a fractional PAX mtime.
#pragma once

#include "common/tar_builder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace estargz_test {

inline constexpr std::size_t mib = std::size_t{1} << 20;

using tar_member = lading::test_tar::member;

// Deterministic content: runs of text-like and random bytes.
std::string test_content(std::size_t size, std::uint64_t seed);

std::vector<tar_member> sample_members();
// The members as a tar stream padded to a multiple of `record` bytes.
std::vector<std::uint8_t> tar_of(const std::vector<tar_member>& members, std::size_t record = 1024);

// The binary value the sample gives security.capability.
inline const std::string capability_xattr("\x01\x00\x00\x02\x00\x20\x00\x00", 8);

}  // namespace estargz_test
