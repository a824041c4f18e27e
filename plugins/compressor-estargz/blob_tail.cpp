#include "blob_tail.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace lading::plugins::estargz {

namespace {

constexpr std::size_t block = 512;

void put_octal(std::uint8_t* field, std::size_t len, std::uint64_t v)
{
    for (std::size_t i = len - 1; i-- > 0;) {
        field[i] = static_cast<std::uint8_t>('0' + (v & 7));
        v >>= 3;
    }
    field[len - 1] = '\0';
}

}  // namespace

std::vector<std::uint8_t> toc_tar_entry(const std::string& toc_json)
{
    if (toc_json.size() >= (std::uint64_t{1} << 33)) throw std::runtime_error("estargz: TOC larger than 8 GiB");
    std::size_t padded = (toc_json.size() + block - 1) / block * block;
    std::vector<std::uint8_t> out(block + padded + 2 * block, 0);
    std::uint8_t* h = out.data();
    std::memcpy(h, toc_entry_name, std::strlen(toc_entry_name));
    put_octal(h + 100, 8, 0);   // mode
    put_octal(h + 108, 8, 0);   // uid
    put_octal(h + 116, 8, 0);   // gid
    put_octal(h + 124, 12, toc_json.size());
    put_octal(h + 136, 12, 0);  // mtime
    h[156] = '0';
    std::memcpy(h + 257, "ustar\0" "00", 8);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (std::size_t i = 0; i < block; ++i) sum += h[i];
    put_octal(h + 148, 7, sum);
    h[155] = ' ';
    std::memcpy(h + block, toc_json.data(), toc_json.size());
    return out;
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
