#include "member_pool.hpp"

#include <algorithm>

namespace lading::plugins::gzip {

namespace {
// Beyond this, more threads only cost memory: the host rarely has more cores.
constexpr unsigned max_workers = 64;
}  // namespace

member_pool::member_pool(int level, unsigned workers, pool_shape shape)
{
    workers = std::clamp(workers, 1u, max_workers);
    content_budget_ = shape.content_per_worker * workers;
    // Kept buffers of every job together stay within the budget.
    recycled_capacity_ = shape.content_per_worker / shape.jobs_per_worker;
    for (unsigned i = 0; i < workers; ++i) encoders_.push_back(std::make_unique<member_encoder>(level));
    jobs_.resize(shape.jobs_per_worker * workers);
    if (workers == 1) return;
    try {
        for (auto& encoder : encoders_) threads_.emplace_back([this, e = encoder.get()] { run_worker(*e); });
    } catch (...) {
        stop();
        throw;
    }
}

member_pool::~member_pool() { stop(); }

void member_pool::stop() noexcept
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
}

bool member_pool::full() const
{
    return !empty() && (submitted_ - popped_ == jobs_.size() || content_in_flight_ >= content_budget_);
}

void member_pool::submit(byte_buffer& content)
{
    job& j = job_at(submitted_);
    content_in_flight_ += content.size();
    j.content.swap(content);
    content.clear();
    j.done = false;
    j.failure = nullptr;
    if (threads_.empty()) {
        try {
            encoders_.front()->encode(j.content, j.member);
        } catch (...) {
            j.failure = std::current_exception();
        }
        j.done = true;
        ++submitted_;
        return;
    }
    {
        std::lock_guard lock(mutex_);
        ++submitted_;
    }
    work_.notify_one();
}

void member_pool::make_room(byte_buffer& content, std::size_t capacity)
{
    if (content.capacity() >= capacity) return;
    auto spare = std::find_if(spares_.begin(), spares_.end(), [&](const auto& s) { return s.capacity() >= capacity; });
    if (spare == spares_.end()) {
        content.reserve(capacity);
        return;
    }
    spare->clear();
    append(*spare, content);
    content.swap(*spare);
    spares_.erase(spare);
}

bool member_pool::pop(byte_buffer& member, bool wait)
{
    if (empty()) return false;
    job& j = job_at(popped_);
    if (!threads_.empty()) {
        std::unique_lock lock(mutex_);
        if (!j.done && !wait) return false;
        finished_.wait(lock, [&] { return j.done; });
    }
    ++popped_;
    content_in_flight_ -= j.content.size();
    // Small buffers are recycled by the next submit; bigger ones are kept aside for
    // make_room, else the buffers of all jobs would add up to more than the budget.
    j.content.clear();
    if (j.content.capacity() > recycled_capacity_) {
        if (spares_.size() <= encoders_.size()) spares_.push_back(std::move(j.content));
        byte_buffer().swap(j.content);
    }
    if (j.failure) std::rethrow_exception(j.failure);
    member.swap(j.member);
    return true;
}

void member_pool::run_worker(member_encoder& encoder)
{
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [&] { return stopping_ || started_ < submitted_; });
        if (stopping_) return;
        job& j = job_at(started_++);
        lock.unlock();
        std::exception_ptr failure;
        try {
            encoder.encode(j.content, j.member);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        j.failure = failure;
        j.done = true;
        // The caller waits for one particular job; wake it whichever job finished.
        finished_.notify_all();
    }
}

}  // namespace lading::plugins::gzip
