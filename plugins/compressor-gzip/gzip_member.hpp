// One input chunk as one complete gzip member (RFC 1952).
#pragma once

#include "byte_buffer.hpp"
#include "isal_deflate.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct libdeflate_compressor;

namespace lading::plugins::gzip {

// Writes members whose every byte depends only on the input and the level (the fixed
// header of gzip_framing.hpp), so equal layers always hash equal. The encoder for each
// level is chosen in deflate_encoder_choice.hpp.
class member_encoder {
public:
    explicit member_encoder(int level);
    ~member_encoder();
    member_encoder(const member_encoder&) = delete;
    member_encoder& operator=(const member_encoder&) = delete;

    // Replaces the contents of out with the member encoding input.
    void encode(std::span<const std::uint8_t> input, byte_buffer& out);

private:
    std::size_t deflate(std::span<const std::uint8_t> input, std::span<std::uint8_t> out);

    libdeflate_compressor* compressor_ = nullptr;
    std::unique_ptr<isal_deflate> isal_;
    byte_buffer scratch_;
};

}  // namespace lading::plugins::gzip
