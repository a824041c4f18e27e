// A whole tar archive held in memory, decoded entry by entry with header_decoder: the
// simplest way to drive the codec (unit tests, fuzzers). Content is skipped, not copied.
#pragma once

#include <lading/formats/header_decoder.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace lading::formats::ustar {

// The entries of `archive`, in order. Throws format_error where any lading tar reader
// would refuse the archive; bytes after the end-of-archive marker are not looked at.
std::vector<decoded_entry> list_archive(std::span<const std::uint8_t> archive);

}  // namespace lading::formats::ustar
