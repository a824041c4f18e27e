// Where igzip's stream lives, chosen so that its address cannot change the output.
//
// igzip's SIMD level 1 and 2 bodies (ISA-L 2.30; unchanged in 2.31) take a fresh stream's
// first byte through a path that hashes a register still holding the stream's address
// (bits 16..47 of it) where the input's third position belongs. That one hash-table entry
// sometimes changes a match choice, so the same input gave other valid bytes depending on
// where the stream happened to be allocated: ASLR made it differ from run to run. Every
// stream is therefore mapped at an address whose hash falls in one fixed bucket.
#pragma once

#include <cstddef>
#include <cstdint>

struct isal_zstream;

namespace lading::plugins::gzip {

// The bucket igzip's first-byte path derives from a stream at `address`, before igzip masks
// it to the level's hash size (all of which fit in `stream_bucket_mask`).
std::uint32_t stream_bucket(std::uintptr_t address);
inline constexpr std::uint32_t stream_bucket_mask = 0x7fff;
inline constexpr std::uint32_t pinned_stream_bucket = 0;

class isal_stream_slot {
public:
    // Maps room for one isal_zstream at an address whose bucket is `bucket`; throws when no
    // such address can be mapped.
    explicit isal_stream_slot(std::uint32_t bucket = pinned_stream_bucket);
    ~isal_stream_slot();
    isal_stream_slot(const isal_stream_slot&) = delete;
    isal_stream_slot& operator=(const isal_stream_slot&) = delete;

    isal_zstream* stream() const { return stream_; }

private:
    isal_zstream* stream_;
};

}  // namespace lading::plugins::gzip
