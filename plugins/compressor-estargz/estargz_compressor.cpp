#include "estargz_compressor.hpp"

#include <algorithm>
#include <stdexcept>

namespace lading::plugins::estargz {

namespace {
// Input taken per step, so that output queued between hand-outs stays bounded however
// large the caller's slices are.
constexpr std::size_t input_step = 1u << 20;
}  // namespace

estargz_compressor::estargz_compressor(int level, unsigned threads) : builder_(level, threads), scanner_(builder_) {}

lading_status estargz_compressor::transform(lading_stream_io& io, bool finish)
{
    member_sequence& members = builder_.members();
    for (;;) {
        sdk::hand_out(pending_, pending_pos_, io);
        if (pending_pos_ < pending_.size()) return LADING_OK;  // the caller's buffer is full
        members.collect(false);
        if (members.take_output(pending_)) {
            pending_pos_ = 0;
            continue;
        }
        if (io.avail_in > 0) {
            if (finished_) throw std::logic_error("estargz: input after the stream was finished");
            std::size_t n = std::min(io.avail_in, input_step);
            scanner_.consume({io.next_in, n});
            io.next_in += n;
            io.avail_in -= n;
            continue;
        }
        if (!finish) return LADING_OK;
        if (!finished_) {
            scanner_.finish();
            builder_.finish();
            finished_ = true;
            continue;
        }
        return LADING_DONE;
    }
}

std::string estargz_compressor::annotations_json() const
{
    if (!finished_) throw std::logic_error("estargz: annotations asked before the stream finished");
    return "{\"containerd.io/snapshot/stargz/toc.digest\":\"" + builder_.toc_digest() +
           "\",\"io.containers.estargz.uncompressed-size\":\"" + std::to_string(builder_.uncompressed_size()) + "\"}";
}

std::string estargz_compressor::diff_id() const
{
    if (!finished_) throw std::logic_error("estargz: diffID asked before the stream finished");
    return builder_.diff_id();
}

}  // namespace lading::plugins::estargz
