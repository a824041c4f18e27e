// Raw deflate through ISA-L's igzip for the fast levels 1..3 (ISA-L's own levels 1..3),
// several times faster than libdeflate at a few percent larger output, when the user asks
// for it with LADING_GZIP_ENCODER=isal. Not by default: igzip's SIMD paths (sse, avx2 and
// avx512 alike; ISA-L 2.30) now and then encode the same buffer, with the same zeroed
// state, into other valid bytes from one process to the next (about one export in 30 of a
// many-file tree as estargz level 1), so blobs would not be reproducible. Its portable C
// path does not, but is slower than libdeflate.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

struct isal_zstream;

namespace lading::plugins::gzip {

inline constexpr int isal_level_min = 1;
inline constexpr int isal_level_max = 3;

// Whether LADING_GZIP_ENCODER=isal asks for igzip at levels 1..3.
bool isal_requested();

class isal_deflate {
public:
    explicit isal_deflate(int level);
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
    std::unique_ptr<isal_zstream> stream_;
    std::unique_ptr<std::uint8_t[]> level_buffer_;
    std::uint32_t level_buffer_size_;
};

}  // namespace lading::plugins::gzip
