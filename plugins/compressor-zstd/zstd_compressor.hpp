// Streaming zstd compression, always in libzstd's multi-threaded mode.
#pragma once

#include <lading/sdk/compressor.hpp>

#include <zstd.h>

namespace lading::plugins::zstd {

class zstd_compressor final : public sdk::codec {
public:
    zstd_compressor(int level, unsigned threads);
    ~zstd_compressor() override;
    zstd_compressor(const zstd_compressor&) = delete;
    zstd_compressor& operator=(const zstd_compressor&) = delete;

    lading_status transform(lading_stream_io& io, bool finish) override;

private:
    ZSTD_CCtx* cctx_;
    bool started_ = false;
    bool done_ = false;
};

}  // namespace lading::plugins::zstd
