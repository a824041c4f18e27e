// Whole gzip members compressed on worker threads and handed back in the order they were
// submitted (the gzip and estargz plugins). With one worker everything runs on the
// caller's thread. What is in flight is bounded by bytes as well as by count: estargz
// members range from a few hundred bytes to a whole chunk, and a count bound alone would
// let one big member stall the workers behind it.
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

// How much one worker may have in flight: members submitted and not yet popped, and the
// bytes of their content.
struct pool_shape {
    std::size_t jobs_per_worker;
    std::size_t content_per_worker;
};

class member_pool {
public:
    member_pool(int level, unsigned workers, pool_shape shape);
    ~member_pool();
    member_pool(const member_pool&) = delete;
    member_pool& operator=(const member_pool&) = delete;

    // True when no further member may be submitted before the oldest is popped.
    bool full() const;
    bool empty() const { return submitted_ == popped_; }

    // Takes content (which must not find the pool full()); content comes back empty.
    void submit(byte_buffer& content);
    // Gives content room for `capacity` bytes, keeping what it holds. Buffers too big to be
    // recycled with their job are kept aside when popped and handed out again here, so
    // large members do not allocate and free megabytes each time (glibc would keep the
    // freed memory, and the process would grow).
    void make_room(byte_buffer& content, std::size_t capacity);
    // Swaps the oldest finished member into `member`; with wait, waits for it. False when
    // nothing is in flight or, without wait, the oldest is not finished.
    bool pop(byte_buffer& member, bool wait);

private:
    struct job {
        byte_buffer content;
        byte_buffer member;
        bool done = false;
        std::exception_ptr failure;
    };

    void run_worker(member_encoder& encoder);
    void stop() noexcept;
    job& job_at(std::uint64_t seq) { return jobs_[seq % jobs_.size()]; }

    std::vector<std::unique_ptr<member_encoder>> encoders_;
    std::vector<job> jobs_;  // a ring indexed by sequence number
    std::uint64_t submitted_ = 0, started_ = 0, popped_ = 0;
    std::size_t content_in_flight_ = 0;  // bytes of submitted members not yet popped
    std::size_t content_budget_;
    std::size_t recycled_capacity_;  // content buffers up to this size are kept for reuse
    std::vector<byte_buffer> spares_;  // bigger ones, at most one per worker and one more

    std::mutex mutex_;
    std::condition_variable work_;
    std::condition_variable finished_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace lading::plugins::gzip
