// What follows the layer's own entries in an eStargz blob: the TOC as a tar entry that
// closes the archive, and the footer that points at it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lading::plugins::estargz {

inline constexpr const char* toc_entry_name = "stargz.index.json";
inline constexpr std::size_t footer_size = 51;

// The TOC's tar entry is the ustar header for stargz.index.json (typeflag '0'; mode, owner
// and mtime 0), the JSON, then its padding and the two zero blocks that end the archive.
std::array<std::uint8_t, 512> toc_tar_header(std::uint64_t json_size);
std::vector<std::uint8_t> toc_tar_end(std::uint64_t json_size);

// An empty gzip member whose extra field "SG" holds "%016xSTARGZ" of the TOC member's
// blob offset.
std::array<std::uint8_t, footer_size> footer(std::uint64_t toc_offset);

}  // namespace lading::plugins::estargz
