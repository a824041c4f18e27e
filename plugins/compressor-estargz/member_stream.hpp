// A gzip member written piece by piece with zlib, for members too large to hold in memory.
// zlib is fed fixed-size blocks with a fixed output window, so the bytes depend only on
// the content, never on how it arrived (level 0's stored blocks would otherwise follow
// the buffer sizes).
#pragma once

#include "byte_buffer.hpp"

#include <cstdint>
#include <span>
#include <vector>

#include <zlib.h>

namespace lading::plugins::estargz {

class member_stream {
public:
    explicit member_stream(int level);
    ~member_stream();
    member_stream(const member_stream&) = delete;
    member_stream& operator=(const member_stream&) = delete;

    // Each appends compressed bytes to out.
    void begin(gzip::byte_buffer& out);
    void write(std::span<const std::uint8_t> content, gzip::byte_buffer& out);
    void end(gzip::byte_buffer& out);

private:
    void deflate_block(std::span<const std::uint8_t> block, int flush, gzip::byte_buffer& out);

    z_stream stream_{};
    gzip::byte_buffer staging_;
    std::uint32_t crc_ = 0;
    std::uint64_t length_ = 0;
};

}  // namespace lading::plugins::estargz
