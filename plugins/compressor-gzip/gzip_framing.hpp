// The fixed parts of every gzip member the gzip and estargz plugins write (RFC 1952).
// Nothing in them depends on time, host or file name, so equal input always gives equal bytes.
#pragma once

#include "byte_buffer.hpp"

#include <cstdint>
#include <vector>

namespace lading::plugins::gzip {

// ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown), as Go's compress/gzip writes.
inline constexpr std::uint8_t member_header[10] = {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff};

inline void put_le32(byte_buffer& out, std::uint32_t v)
{
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// CRC-32 and ISIZE (the length modulo 2^32).
inline constexpr std::size_t trailer_size = 8;
inline void put_trailer(byte_buffer& out, std::uint32_t crc, std::uint64_t length)
{
    put_le32(out, crc);
    put_le32(out, static_cast<std::uint32_t>(length));
}

}  // namespace lading::plugins::gzip
