#include "member_pipeline.hpp"

#include <algorithm>

namespace lading::plugins::gzip {

namespace {
// Beyond this, more threads only cost memory: the host rarely has more cores.
constexpr unsigned max_workers = 64;
}  // namespace

member_pipeline::member_pipeline(int level, unsigned workers)
{
    workers = std::clamp(workers, 1u, max_workers);
    for (unsigned i = 0; i < workers; ++i) encoders_.push_back(std::make_unique<member_encoder>(level));
    slots_.resize(2 * workers);
    if (workers == 1) return;
    try {
        for (auto& encoder : encoders_) threads_.emplace_back([this, e = encoder.get()] { work(*e); });
    } catch (...) {
        stop_workers();
        throw;
    }
}

member_pipeline::~member_pipeline() { stop_workers(); }

void member_pipeline::stop_workers() noexcept
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
}

void member_pipeline::submit(std::vector<std::uint8_t>& chunk)
{
    slot& s = slot_of(submitted_);
    s.input.swap(chunk);
    chunk.clear();
    s.done = false;
    s.failure = nullptr;

    if (threads_.empty()) {
        encoders_.front()->encode(s.input, s.output);
        s.done = true;
        ++submitted_;
        return;
    }
    {
        std::lock_guard lock(mutex_);
        ++submitted_;
    }
    work_ready_.notify_one();
}

bool member_pipeline::pop(std::vector<std::uint8_t>& member, bool wait)
{
    if (empty()) return false;
    slot& s = slot_of(popped_);
    if (!threads_.empty()) {
        std::unique_lock lock(mutex_);
        if (!s.done) {
            if (!wait) return false;
            member_ready_.wait(lock, [&] { return s.done; });
        }
    }
    if (s.failure) std::rethrow_exception(s.failure);
    member.swap(s.output);
    ++popped_;
    return true;
}

void member_pipeline::work(member_encoder& encoder)
{
    std::unique_lock lock(mutex_);
    for (;;) {
        work_ready_.wait(lock, [&] { return stopping_ || claimed_ < submitted_; });
        if (stopping_) return;
        slot& s = slot_of(claimed_++);
        lock.unlock();
        std::exception_ptr failure;
        try {
            encoder.encode(s.input, s.output);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        s.failure = failure;
        s.done = true;
        // Several workers may finish out of order while the caller waits for one slot.
        member_ready_.notify_all();
    }
}

}  // namespace lading::plugins::gzip
