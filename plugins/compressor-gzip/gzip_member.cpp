#include "gzip_member.hpp"

#include "gzip_framing.hpp"

#include <libdeflate.h>

#include <iterator>
#include <stdexcept>

namespace lading::plugins::gzip {

member_encoder::member_encoder(int level) : compressor_(libdeflate_alloc_compressor(level))
{
    if (compressor_ == nullptr) throw std::runtime_error("gzip: cannot create a deflate compressor");
}

member_encoder::~member_encoder() { libdeflate_free_compressor(compressor_); }

void member_encoder::encode(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out)
{
    std::size_t bound = libdeflate_deflate_compress_bound(compressor_, input.size());
    out.assign(std::begin(member_header), std::end(member_header));
    out.resize(sizeof member_header + bound);
    std::size_t body = libdeflate_deflate_compress(compressor_, input.data(), input.size(),
                                                   out.data() + sizeof member_header, bound);
    if (body == 0) throw std::runtime_error("gzip: deflate output exceeded its bound");
    out.resize(sizeof member_header + body);
    put_trailer(out, libdeflate_crc32(0, input.data(), input.size()), input.size());
}

}  // namespace lading::plugins::gzip
