#include "export/parallel_jobs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lading {

void run_parallel(std::size_t count, const std::function<void(std::size_t)>& job, unsigned workers)
{
    if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
    workers = static_cast<unsigned>(std::min<std::size_t>(workers, count));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;

    auto worker = [&] {
        for (;;) {
            auto i = next++;
            if (i >= count || failed) return;
            try {
                job(i);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!first_error) first_error = std::current_exception();
                failed = true;
            }
        }
    };
    if (workers <= 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < workers; ++t) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
    if (first_error) std::rethrow_exception(first_error);
}

}  // namespace lading
