// Compressing chunks into gzip members on worker threads, handing them back in order.
#pragma once

#include "gzip_member.hpp"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace lading::plugins::gzip {

// A bounded, ordered parallel map from chunks to members. At most 2 * workers chunks are
// in flight, so memory stays a few MiB per worker however long the stream. With one
// worker everything runs inline on the caller's thread.
class member_pipeline {
public:
    member_pipeline(int level, unsigned workers);
    ~member_pipeline();
    member_pipeline(const member_pipeline&) = delete;
    member_pipeline& operator=(const member_pipeline&) = delete;

    bool full() const { return submitted_ - popped_ == slots_.size(); }
    bool empty() const { return submitted_ == popped_; }

    // Queues chunk (which must not be full()); chunk comes back empty, keeping some
    // recycled capacity.
    void submit(std::vector<std::uint8_t>& chunk);

    // Swaps the oldest member into member when it is ready, or after waiting for it when
    // wait is set. False when nothing is in flight or (without wait) it is not ready yet.
    bool pop(std::vector<std::uint8_t>& member, bool wait);

private:
    struct slot {
        std::vector<std::uint8_t> input;
        std::vector<std::uint8_t> output;
        bool done = false;
        std::exception_ptr failure;
    };

    void work(member_encoder& encoder);
    void stop_workers() noexcept;
    slot& slot_of(std::uint64_t seq) { return slots_[seq % slots_.size()]; }

    std::vector<std::unique_ptr<member_encoder>> encoders_;
    std::vector<slot> slots_;
    // Sequence numbers: chunks handed in, taken by a worker, and handed back out.
    std::uint64_t submitted_ = 0;
    std::uint64_t claimed_ = 0;
    std::uint64_t popped_ = 0;

    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable member_ready_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace lading::plugins::gzip
