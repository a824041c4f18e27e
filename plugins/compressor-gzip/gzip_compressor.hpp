// Compression to multi-member gzip: the input is cut into fixed 1 MiB chunks and each one
// becomes its own member, so the bytes depend neither on the thread count nor on how the
// caller slices the input, and chunks compress in parallel.
#pragma once

#include "member_pool.hpp"

#include <lading/sdk/compressor.hpp>

#include <cstdint>
#include <vector>

namespace lading::plugins::gzip {

inline constexpr std::size_t chunk_size = std::size_t{1} << 20;

class gzip_compressor final : public sdk::codec {
public:
    gzip_compressor(int level, unsigned threads);
    lading_status transform(lading_stream_io& io, bool finish) override;

private:
    void take_input(lading_stream_io& io);
    // Submits chunk_, or when the pool is full first waits for the oldest member.
    void submit_chunk();
    void wait_for_member();

    member_pool pool_;
    byte_buffer chunk_;
    std::uint64_t members_ = 0;
    // The member being handed out, possibly across many calls with small output buffers.
    byte_buffer pending_;
    std::size_t pending_pos_ = 0;
};

}  // namespace lading::plugins::gzip
