// One tar entry as lading writes it into a layer, and its header encoding (PAX + ustar).
#pragma once

#include <lading/formats/header_decoder.hpp>
#include <lading/formats/ustar_block.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lading::tar {

inline constexpr std::size_t block_size = formats::ustar::block_size;

// The typeflags lading writes and reads: the codec's own.
using entry_type = formats::ustar::entry_kind;

struct entry {
    std::string name;  // relative, no leading "./" or "/", directories end with '/'
    entry_type type = entry_type::regular;
    std::uint32_t mode = 0;  // permission bits plus setuid, setgid and sticky
    std::uint64_t uid = 0, gid = 0;
    std::uint64_t size = 0;  // bytes of content; regular files only
    std::int64_t mtime = 0;
    std::string link_name;  // symlink target, or the hardlinked entry's name
    std::uint32_t dev_major = 0, dev_minor = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;  // sorted by name
};

// The header blocks for `e`: a PAX extended header when a field does not fit ustar
// (long names, big ids or sizes, xattrs), then the ustar header. Deterministic.
std::string encode_header(const entry& e);

// Zero bytes that pad `size` bytes of content to the next block.
std::size_t padding_for(std::uint64_t size);

// The end-of-archive marker: two zero blocks, no record padding.
inline constexpr std::size_t end_of_archive_size = 2 * block_size;

}  // namespace lading::tar
