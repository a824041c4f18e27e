#include "zstd_decompressor.hpp"

#include "zstd_check.hpp"

#include <stdexcept>

namespace lading::plugins::zstd {

zstd_decompressor::zstd_decompressor() : dctx_(ZSTD_createDCtx())
{
    if (dctx_ == nullptr) throw std::runtime_error("zstd: cannot create a decompression context");
}

zstd_decompressor::~zstd_decompressor() { ZSTD_freeDCtx(dctx_); }

lading_status zstd_decompressor::transform(lading_stream_io& io, bool finish)
{
    for (;;) {
        ZSTD_inBuffer in{io.next_in, io.avail_in, 0};
        ZSTD_outBuffer out{io.next_out, io.avail_out, 0};
        std::size_t hint = check(ZSTD_decompressStream(dctx_, &out, &in), "corrupt stream");

        io.next_in += in.pos;
        io.avail_in -= in.pos;
        io.next_out += out.pos;
        io.avail_out -= out.pos;

        // 0 means a frame just ended and is fully flushed; a call that consumed nothing
        // (e.g. no input after a frame end) says nothing new about where we are.
        if (hint == 0)
            at_frame_end_ = true;
        else if (in.pos > 0)
            at_frame_end_ = false;

        if (at_frame_end_ && io.avail_in == 0) return finish ? LADING_DONE : LADING_OK;
        if (io.avail_out == 0) return LADING_OK;
        if (io.avail_in == 0 && !finish) return LADING_OK;
        if (in.pos == 0 && out.pos == 0) {
            if (io.avail_in == 0) throw std::runtime_error("zstd: truncated stream");
            throw std::runtime_error("zstd: corrupt stream: decoder made no progress");
        }
    }
}

}  // namespace lading::plugins::zstd
