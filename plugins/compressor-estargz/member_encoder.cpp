#include "member_encoder.hpp"

#include "gzip_framing.hpp"

#include <libdeflate.h>

#include <iterator>
#include <stdexcept>

namespace lading::plugins::estargz {

member_encoder::member_encoder(int level) : compressor_(libdeflate_alloc_compressor(level))
{
    if (compressor_ == nullptr) throw std::runtime_error("estargz: cannot create a deflate compressor");
}

member_encoder::~member_encoder() { libdeflate_free_compressor(compressor_); }

void member_encoder::encode(std::span<const std::uint8_t> content, std::vector<std::uint8_t>& out)
{
    std::size_t bound = libdeflate_deflate_compress_bound(compressor_, content.size());
    out.assign(std::begin(member_header), std::end(member_header));
    out.resize(sizeof member_header + bound);
    std::size_t body = libdeflate_deflate_compress(compressor_, content.data(), content.size(),
                                                   out.data() + sizeof member_header, bound);
    if (body == 0) throw std::runtime_error("estargz: deflate output exceeded its bound");
    out.resize(sizeof member_header + body);
    put_trailer(out, libdeflate_crc32(0, content.data(), content.size()), content.size());
}

}  // namespace lading::plugins::estargz
