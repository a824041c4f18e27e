#include <lading/export/thread_budget.hpp>

#include <algorithm>
#include <utility>

namespace lading {

thread_budget::thread_budget(unsigned threads) : size_(std::max(1u, threads)) {}

thread_budget::share::share(share&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), threads_(std::exchange(other.threads_, 0))
{
}

thread_budget::share::~share()
{
    if (budget_) budget_->give_back(threads_);
}

thread_budget::share thread_budget::take(unsigned most)
{
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return taken_ < size_; });
    const unsigned n = std::clamp(size_ - taken_, 1u, std::max(1u, most));
    taken_ += n;
    peak_ = std::max(peak_, taken_);
    return share(this, n);
}

unsigned thread_budget::peak() const
{
    std::lock_guard lock(mutex_);
    return peak_;
}

void thread_budget::give_back(unsigned threads)
{
    {
        std::lock_guard lock(mutex_);
        taken_ -= threads;
    }
    freed_.notify_all();
}

}  // namespace lading
