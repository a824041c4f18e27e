// How many threads may compress at once: one budget per export by default, or one shared
// by several exports that run side by side. Layer jobs and base-layer conversions take a
// share before they start and hand it back when they end; a share's size is the thread
// count its compressor gets. Compressed bytes never depend on it.
#pragma once

#include <condition_variable>
#include <mutex>

namespace lading {

class thread_budget {
public:
    // threads >= 1 (0 is taken as 1).
    explicit thread_budget(unsigned threads);
    thread_budget(const thread_budget&) = delete;
    thread_budget& operator=(const thread_budget&) = delete;

    // Threads taken from a budget; they return to it when the share is destroyed.
    class share {
    public:
        share(share&& other) noexcept;
        share& operator=(share&&) = delete;
        share(const share&) = delete;
        ~share();
        unsigned threads() const { return threads_; }

    private:
        friend class thread_budget;
        share(thread_budget* budget, unsigned threads) : budget_(budget), threads_(threads) {}
        thread_budget* budget_;
        unsigned threads_;
    };

    // Waits until a thread is free, then takes every free one, up to `most` (>= 1).
    share take(unsigned most);

    unsigned size() const { return size_; }
    // The most threads that were ever taken at the same time.
    unsigned peak() const;

private:
    void give_back(unsigned threads);

    const unsigned size_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    unsigned taken_ = 0;
    unsigned peak_ = 0;
};

}  // namespace lading
