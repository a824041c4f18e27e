#include "zstd_compressor.hpp"

#include "zstd_check.hpp"

#include <algorithm>
#include <stdexcept>

namespace lading::plugins::zstd {

namespace {
// Only worker counts >= 1 give identical frames for any count; keep some sanity cap.
constexpr unsigned max_workers = 64;
}  // namespace

zstd_compressor::zstd_compressor(int level, unsigned threads) : cctx_(ZSTD_createCCtx())
{
    if (cctx_ == nullptr) throw std::runtime_error("zstd: cannot create a compression context");
    try {
        int workers = static_cast<int>(std::clamp(threads, 1u, max_workers));
        check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level), "setting the level");
        check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1), "enabling checksums");
        check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 0), "disabling the content size");
        check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, workers), "enabling worker threads");
    } catch (...) {
        ZSTD_freeCCtx(cctx_);
        throw;
    }
}

zstd_compressor::~zstd_compressor() { ZSTD_freeCCtx(cctx_); }

lading_status zstd_compressor::transform(lading_stream_io& io, bool finish)
{
    if (done_) return LADING_DONE;
    for (;;) {
        // A first call with ZSTD_e_end would let libzstd see the whole input size and
        // pick other parameters (or single-threaded mode), so the frame would depend on
        // how the caller sliced the input. Starting with e_continue keeps it streaming.
        ZSTD_EndDirective mode = finish && started_ ? ZSTD_e_end : ZSTD_e_continue;
        ZSTD_inBuffer in{io.next_in, io.avail_in, 0};
        ZSTD_outBuffer out{io.next_out, io.avail_out, 0};
        std::size_t remaining = check(ZSTD_compressStream2(cctx_, &out, &in, mode), "compression failed");
        started_ = true;

        io.next_in += in.pos;
        io.avail_in -= in.pos;
        io.next_out += out.pos;
        io.avail_out -= out.pos;

        if (mode == ZSTD_e_end && remaining == 0) {
            done_ = true;
            return LADING_DONE;
        }
        if (io.avail_out == 0) return LADING_OK;
        if (!finish && io.avail_in == 0) return LADING_OK;
    }
}

}  // namespace lading::plugins::zstd
