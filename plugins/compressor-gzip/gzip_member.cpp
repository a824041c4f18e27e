#include "gzip_member.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace lading::plugins::gzip {

namespace {

constexpr std::size_t header_size = 10;
constexpr std::size_t trailer_size = 8;

void put_le32(std::uint8_t* p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
    p[2] = static_cast<std::uint8_t>(v >> 16);
    p[3] = static_cast<std::uint8_t>(v >> 24);
}

}  // namespace

member_encoder::member_encoder(int level) : compressor_(libdeflate_alloc_compressor(level))
{
    if (compressor_ == nullptr) throw std::runtime_error("gzip: cannot create a deflate compressor");
}

member_encoder::~member_encoder() { libdeflate_free_compressor(compressor_); }

void member_encoder::encode(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out)
{
    std::size_t bound = libdeflate_deflate_compress_bound(compressor_, input.size());
    out.resize(header_size + bound + trailer_size);
    std::uint8_t* p = out.data();

    // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unknown
    const std::uint8_t header[header_size] = {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff};
    std::copy(std::begin(header), std::end(header), p);

    std::size_t body = libdeflate_deflate_compress(compressor_, input.data(), input.size(), p + header_size, bound);
    if (body == 0) throw std::runtime_error("gzip: deflate output exceeded its bound");

    std::uint8_t* trailer = p + header_size + body;
    put_le32(trailer, libdeflate_crc32(0, input.data(), input.size()));
    put_le32(trailer + 4, static_cast<std::uint32_t>(input.size()));  // ISIZE is the size mod 2^32
    out.resize(header_size + body + trailer_size);
}

}  // namespace lading::plugins::gzip
