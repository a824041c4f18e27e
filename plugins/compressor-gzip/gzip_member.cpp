#include "gzip_member.hpp"

#include "deflate_encoder_choice.hpp"
#include "gzip_framing.hpp"

#include <libdeflate.h>

#include <iterator>
#include <stdexcept>

namespace lading::plugins::gzip {

member_encoder::member_encoder(int level)
{
    if (encoder_for_level(level) == deflate_encoder::isal) {
        isal_ = std::make_unique<isal_deflate>(level);
        return;
    }
    compressor_ = libdeflate_alloc_compressor(level);
    if (compressor_ == nullptr) throw std::runtime_error("gzip: cannot create a deflate compressor");
}

member_encoder::~member_encoder()
{
    if (compressor_ != nullptr) libdeflate_free_compressor(compressor_);
}

void member_encoder::encode(std::span<const std::uint8_t> input, byte_buffer& out)
{
    // Deflated into this encoder's own buffer, sized for the worst case once, then copied
    // out at its real size: members wait in the pool and in the caller's queue, and a
    // buffer per member sized for the worst case would hold several times their size.
    std::size_t bound = isal_ ? isal_deflate::bound(input.size())
                              : libdeflate_deflate_compress_bound(compressor_, input.size());
    if (scratch_.size() < bound) scratch_.resize(bound);
    std::size_t body = deflate(input, std::span(scratch_).first(bound));
    out.clear();
    out.reserve(std::size(member_header) + body + trailer_size);  // else the trailer would double it
    append(out, member_header);
    append(out, std::span(scratch_).first(body));
    put_trailer(out, libdeflate_crc32(0, input.data(), input.size()), input.size());
}

std::size_t member_encoder::deflate(std::span<const std::uint8_t> input, std::span<std::uint8_t> out)
{
    if (isal_) return isal_->compress(input, out);
    std::size_t body = libdeflate_deflate_compress(compressor_, input.data(), input.size(), out.data(), out.size());
    if (body == 0) throw std::runtime_error("gzip: deflate output exceeded its bound");
    return body;
}

}  // namespace lading::plugins::gzip
