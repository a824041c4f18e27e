// A whole gzip member from a whole buffer, with libdeflate (the fast path for members
// that fit in memory).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

struct libdeflate_compressor;

namespace lading::plugins::estargz {

class member_encoder {
public:
    explicit member_encoder(int level);
    ~member_encoder();
    member_encoder(const member_encoder&) = delete;
    member_encoder& operator=(const member_encoder&) = delete;

    // Replaces out with the member holding `content`.
    void encode(std::span<const std::uint8_t> content, std::vector<std::uint8_t>& out);

private:
    libdeflate_compressor* compressor_;
};

}  // namespace lading::plugins::estargz
