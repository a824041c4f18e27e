#include "member_stream.hpp"

#include "gzip_framing.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace lading::plugins::estargz {

namespace {
constexpr std::size_t block_size = 256 * 1024;
constexpr std::size_t window_size = 64 * 1024;
constexpr int raw_deflate_bits = -MAX_WBITS;
}  // namespace

member_stream::member_stream(int level)
{
    if (deflateInit2(&stream_, level, Z_DEFLATED, raw_deflate_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("estargz: cannot initialise zlib");
    staging_.reserve(block_size);
}

member_stream::~member_stream() { deflateEnd(&stream_); }

void member_stream::begin(gzip::byte_buffer& out)
{
    if (deflateReset(&stream_) != Z_OK) throw std::runtime_error("estargz: zlib reset failed");
    staging_.clear();
    crc_ = static_cast<std::uint32_t>(crc32(0, nullptr, 0));
    length_ = 0;
    gzip::append(out, gzip::member_header);
}

void member_stream::write(std::span<const std::uint8_t> content, gzip::byte_buffer& out)
{
    while (!content.empty()) {
        // Whole blocks straight from the caller's buffer when nothing is staged.
        if (staging_.empty() && content.size() >= block_size) {
            deflate_block(content.first(block_size), Z_NO_FLUSH, out);
            content = content.subspan(block_size);
            continue;
        }
        std::size_t n = std::min(content.size(), block_size - staging_.size());
        gzip::append(staging_, content.first(n));
        content = content.subspan(n);
        if (staging_.size() == block_size) {
            deflate_block(staging_, Z_NO_FLUSH, out);
            staging_.clear();
        }
    }
}

void member_stream::end(gzip::byte_buffer& out)
{
    deflate_block(staging_, Z_FINISH, out);
    staging_.clear();
    gzip::put_trailer(out, crc_, length_);
}

void member_stream::deflate_block(std::span<const std::uint8_t> block, int flush, gzip::byte_buffer& out)
{
    crc_ = static_cast<std::uint32_t>(crc32(crc_, block.data(), static_cast<uInt>(block.size())));
    length_ += block.size();
    stream_.next_in = const_cast<Bytef*>(block.data());
    stream_.avail_in = static_cast<uInt>(block.size());
    for (;;) {
        std::size_t used = out.size();
        out.resize(used + window_size);
        stream_.next_out = out.data() + used;
        stream_.avail_out = static_cast<uInt>(window_size);
        int rc = deflate(&stream_, flush);
        out.resize(used + window_size - stream_.avail_out);
        if (rc == Z_STREAM_ERROR) throw std::runtime_error("estargz: zlib deflate failed");
        if (flush == Z_FINISH ? rc == Z_STREAM_END : stream_.avail_out != 0) break;
    }
}

}  // namespace lading::plugins::estargz
