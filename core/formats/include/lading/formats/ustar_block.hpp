// One 512-byte tar header block: its numeric fields (octal, or GNU base-256), its checksum,
// its name fields, decoded and encoded. Knows nothing of extended headers; see
// header_decoder.hpp for the sequence of blocks in front of an entry.
#pragma once

#include <lading/formats/format_error.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace lading::formats::ustar {

inline constexpr std::size_t block_size = 512;
using block_view = std::span<const std::uint8_t, block_size>;

// Zero bytes that pad `size` bytes to the next block.
inline constexpr std::size_t padding_for(std::uint64_t size)
{
    return static_cast<std::size_t>((block_size - size % block_size) % block_size);
}

bool is_zero_block(block_view block);

// A numeric field: octal digits (leading spaces, then space or NUL after the digits), or
// GNU base-256 when the first byte is 0x80 (positive) or 0xff (negative, two's
// complement). nullopt when malformed or outside int64.
std::optional<std::int64_t> decode_number(std::string_view field);

// The stored checksum equals the sum of the block's bytes, counting the checksum field as
// eight spaces; old writers summed signed chars, so either sum is accepted.
bool checksum_matches(block_view block);

enum class magic_kind { v7, posix, gnu };

// The fields of one header block as stored, before extended headers change them.
struct header_block {
    magic_kind magic = magic_kind::v7;
    char typeflag = '0';
    std::string name;  // POSIX ustar: prefix + "/" + name
    std::string link_name;
    std::string user_name, group_name;  // ustar and GNU only
    std::int64_t mode = 0, uid = 0, gid = 0, size = 0, mtime = 0;
    std::int64_t dev_major = 0, dev_minor = 0;  // character and block devices only
};

// Decodes a block that is not all zeros. Throws format_error on a bad checksum, a
// malformed numeric field, or a negative size, uid or gid.
header_block decode_block(block_view block);

// ---- encoding ----

// Whether `v` fits the octal digits of a field of `field_len` bytes (one is the NUL).
bool fits_octal(std::uint64_t v, std::size_t field_len);

// `len - 1` zero-padded octal digits then a NUL. `v` must fit.
void encode_octal(char* field, std::size_t len, std::uint64_t v);

// Sets the checksum field of a block whose other fields are final.
void set_checksum(char* block);

// The fields of a POSIX ustar block as lading writes them.
struct ustar_fields {
    std::string_view prefix, name;  // at most 155 and 100 bytes
    char typeflag = '0';
    std::uint32_t mode = 0;
    std::uint64_t uid = 0, gid = 0, size = 0;  // 0 when they do not fit octal
    std::int64_t mtime = 0;  // 0 when negative or too big for octal
    std::string_view link_name;  // at most 100 bytes
    bool device = false;  // writes dev_major/dev_minor (character and block devices)
    std::uint32_t dev_major = 0, dev_minor = 0;
};

std::string encode_block(const ustar_fields& f);

// Splits a name into a ustar prefix (at most 155 bytes) and name (at most 100) at a '/';
// false when no split fits.
bool split_name(std::string_view full, std::string_view& prefix, std::string_view& name);

}  // namespace lading::formats::ustar
