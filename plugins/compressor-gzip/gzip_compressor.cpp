#include "gzip_compressor.hpp"

#include <algorithm>

namespace lading::plugins::gzip {

// Two whole chunks in flight per worker keep every worker busy; more only costs memory.
gzip_compressor::gzip_compressor(int level, unsigned threads) : pool_(level, threads, {2, 2 * chunk_size})
{
    chunk_.reserve(chunk_size);
}

lading_status gzip_compressor::transform(lading_stream_io& io, bool finish)
{
    for (;;) {
        sdk::hand_out(pending_, pending_pos_, io);
        if (pending_pos_ < pending_.size()) return LADING_OK;  // the caller's buffer is full
        if (pool_.pop(pending_, false)) {
            pending_pos_ = 0;
            continue;
        }
        if (chunk_.size() == chunk_size) {
            submit_chunk();
            continue;
        }
        if (io.avail_in > 0) {
            take_input(io);
            continue;
        }
        if (!finish) return LADING_OK;
        // The short last chunk; an empty stream still gets one (empty) member so the
        // blob is a valid gzip file.
        if (!chunk_.empty() || members_ == 0) {
            submit_chunk();
            continue;
        }
        if (!pool_.empty()) {
            wait_for_member();
            continue;
        }
        return LADING_DONE;
    }
}

void gzip_compressor::take_input(lading_stream_io& io)
{
    std::size_t n = std::min(io.avail_in, chunk_size - chunk_.size());
    append(chunk_, {io.next_in, n});
    io.next_in += n;
    io.avail_in -= n;
}

void gzip_compressor::submit_chunk()
{
    if (pool_.full()) {
        wait_for_member();
        return;
    }
    pool_.submit(chunk_);
    chunk_.reserve(chunk_size);
    ++members_;
}

void gzip_compressor::wait_for_member()
{
    pool_.pop(pending_, true);
    pending_pos_ = 0;
}

}  // namespace lading::plugins::gzip
