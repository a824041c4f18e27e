// Streaming zstd decompression of one or more concatenated frames.
#pragma once

#include <lading/sdk/compressor.hpp>

#include <zstd.h>

namespace lading::plugins::zstd {

class zstd_decompressor final : public sdk::codec {
public:
    zstd_decompressor();
    ~zstd_decompressor() override;
    zstd_decompressor(const zstd_decompressor&) = delete;
    zstd_decompressor& operator=(const zstd_decompressor&) = delete;

    lading_status transform(lading_stream_io& io, bool finish) override;

private:
    ZSTD_DCtx* dctx_;
    // The input consumed so far ends exactly at the end of a frame whose output is all out.
    bool at_frame_end_ = false;
};

}  // namespace lading::plugins::zstd
