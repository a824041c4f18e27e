// Decoding one tar header block and PAX extended records (POSIX ustar/pax, GNU, V7).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace lading::plugins::estargz {

inline constexpr std::size_t tar_block = 512;

enum class tar_flavour { v7, ustar, gnu };

// The raw fields of a header block, before PAX or GNU long-name overrides.
struct header_fields {
    tar_flavour flavour = tar_flavour::v7;
    char typeflag = '0';
    std::string name;  // ustar: prefix + "/" + name
    std::string link_name;
    std::string user_name, group_name;
    std::int64_t mode = 0, uid = 0, gid = 0, size = 0, mtime = 0;
    std::int64_t dev_major = 0, dev_minor = 0;
};

using pax_records = std::map<std::string, std::string>;

bool is_zero_block(std::span<const std::uint8_t, tar_block> block);

// Throws std::runtime_error naming `offset` (of the block in the stream) when the block
// is not a tar header: bad checksum or unparsable numeric fields.
header_fields decode_header(std::span<const std::uint8_t, tar_block> block, std::uint64_t offset);

// Adds the records of an extended header's data to `into` (later keys win). Throws on a
// malformed record.
void parse_pax_records(std::string_view data, pax_records& into);

// A NUL-terminated string field (GNU long names carry one too).
std::string c_string(std::string_view field);

}  // namespace lading::plugins::estargz
