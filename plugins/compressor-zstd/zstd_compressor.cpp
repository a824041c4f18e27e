#include "zstd_compressor.hpp"

#include "zstd_check.hpp"

#include <algorithm>
#include <stdexcept>

namespace lading::plugins::zstd {

namespace {
// Only worker counts >= 1 give identical frames for any count; keep some sanity cap.
constexpr unsigned max_workers = 64;

// libzstd sizes a worker's job at four windows (8 MiB at the default level) and keeps about
// five jobs of input in flight: some 55 MiB with two workers. Jobs of 4 MiB need about 30
// MiB for 0.4% more output. Levels up to 7 have windows of 2 MiB at most (libzstd's table
// for large inputs); higher levels keep libzstd's jobs, as jobs shorter than two of their
// windows would cost more ratio.
constexpr int last_small_window_level = 7;
constexpr int small_window_job_size = 4 << 20;
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
        if (level <= last_small_window_level)
            check(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_jobSize, small_window_job_size), "setting the job size");
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
