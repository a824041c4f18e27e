// Raw deflate through ISA-L's igzip levels 1..3 (deflate_encoder_choice.hpp says when).
// Each encoder keeps its stream where its address cannot change the bytes
// (isal_stream_slot.hpp).
#pragma once

#include "isal_stream_slot.hpp"

#include <cstdint>
#include <memory>
#include <span>

namespace lading::plugins::gzip {

class isal_deflate {
public:
    // stream_bucket: where the stream is placed (isal_stream_slot.hpp); tests vary it.
    explicit isal_deflate(int level, std::uint32_t stream_bucket = pinned_stream_bucket);
    ~isal_deflate();
    isal_deflate(const isal_deflate&) = delete;
    isal_deflate& operator=(const isal_deflate&) = delete;

    // Room compress() may need for `length` input bytes: enough for stored blocks, which
    // igzip falls back to when compressing would not fit.
    static std::size_t bound(std::size_t length);
    // Writes the raw deflate stream of input (final block included) to out; returns its size.
    std::size_t compress(std::span<const std::uint8_t> input, std::span<std::uint8_t> out);

private:
    int level_;
    isal_stream_slot slot_;
    std::unique_ptr<std::uint8_t[]> level_buffer_;
    std::uint32_t level_buffer_size_;
};

}  // namespace lading::plugins::gzip
