#include "blob_tail.hpp"

#include <lading/formats/ustar_block.hpp>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace lading::plugins::estargz {

constexpr std::size_t block = formats::ustar::block_size;

std::array<std::uint8_t, block> toc_tar_header(std::uint64_t json_size)
{
    if (json_size >= (std::uint64_t{1} << 33)) throw std::runtime_error("estargz: TOC larger than 8 GiB");
    formats::ustar::ustar_fields h;  // mode, owner and mtime 0
    h.name = toc_entry_name;
    h.typeflag = '0';
    h.size = json_size;
    const std::string header = formats::ustar::encode_block(h);
    std::array<std::uint8_t, block> out;
    std::memcpy(out.data(), header.data(), block);
    return out;
}

std::vector<std::uint8_t> toc_tar_end(std::uint64_t json_size)
{
    return std::vector<std::uint8_t>(formats::ustar::padding_for(json_size) + 2 * block, 0);
}

std::array<std::uint8_t, footer_size> footer(std::uint64_t toc_offset)
{
    std::array<std::uint8_t, footer_size> f{
        0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff,  // gzip header, FLG = FEXTRA
        26, 0,                                         // XLEN
        'S', 'G', 22, 0,                               // subfield id and length
    };
    char subfield[23];
    std::snprintf(subfield, sizeof subfield, "%016llxSTARGZ", static_cast<unsigned long long>(toc_offset));
    std::memcpy(f.data() + 16, subfield, 22);
    // An empty final stored block, then CRC-32 and ISIZE of nothing.
    const std::uint8_t tail[] = {0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(f.data() + 38, tail, sizeof tail);
    return f;
}

}  // namespace lading::plugins::estargz
