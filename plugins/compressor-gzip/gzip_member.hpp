// One input chunk as one complete gzip member (RFC 1952).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

struct libdeflate_compressor;

namespace lading::plugins::gzip {

// Writes members whose every byte depends only on the input and the level (the fixed
// header of gzip_framing.hpp), so equal layers always hash equal.
class member_encoder {
public:
    explicit member_encoder(int level);
    ~member_encoder();
    member_encoder(const member_encoder&) = delete;
    member_encoder& operator=(const member_encoder&) = delete;

    // Replaces the contents of out with the member encoding input.
    void encode(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out);

private:
    libdeflate_compressor* compressor_;
};

}  // namespace lading::plugins::gzip
