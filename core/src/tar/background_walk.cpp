#include "tar/background_walk.hpp"

#include <iterator>

namespace lading::tar {

namespace {
// Entries handed over at once, and the most that wait: enough to keep the reader busy
// between two wake-ups of the walk, few enough that their names and attributes stay a
// small, fixed amount of memory.
constexpr std::size_t batch_entries = 128;
constexpr std::size_t max_waiting_entries = 1024;

// A walk stopped by its prefetch budget goes on once the reader has taken half of it: waking
// the walk for every file the reader takes would cost a pair of thread switches per file
// (most of an export's switches, and on a virtual machine each wake-up is slow).
std::uint64_t resume_mark(const prefetch_budget& b) { return b.waiting / 2; }

struct walk_stopped {};
}  // namespace

background_walk::background_walk(std::filesystem::path root, std::optional<std::int64_t> clamp_mtime,
                                 prefetch_budget prefetch, entry_observer observe)
    : root_(std::move(root)), prefetch_(prefetch), observe_(std::move(observe))
{
    thread_ = std::thread([this, clamp_mtime] { run(clamp_mtime); });
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return root_open_ || finished_; });
    if (!root_open_ && failure_) {
        lock.unlock();
        thread_.join();
        std::rethrow_exception(failure_);
    }
}

background_walk::~background_walk()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void background_walk::run(std::optional<std::int64_t> clamp_mtime)
{
    auto opened = [&](const std::filesystem::path&, const file_identity& id) {
        std::lock_guard lock(mutex_);
        root_identity_ = id;
        root_open_ = true;
        changed_.notify_all();
    };
    std::vector<tree_entry> batch;
    std::uint64_t batch_prefetch = 0;
    auto hand_over = [&] {
        std::unique_lock lock(mutex_);
        if (waiting_prefetch_ > 0 && waiting_prefetch_ >= prefetch_.waiting)
            changed_.wait(lock, [&] { return stopping_ || waiting_prefetch_ <= resume_mark(prefetch_); });
        changed_.wait(lock, [&] { return stopping_ || ready_.size() < max_waiting_entries; });
        if (stopping_) throw walk_stopped{};
        const bool was_empty = ready_.empty();
        std::move(batch.begin(), batch.end(), std::back_inserter(ready_));
        batch.clear();
        waiting_prefetch_ += batch_prefetch;
        batch_prefetch = 0;
        if (was_empty) changed_.notify_all();
    };
    auto emit = [&](tree_entry&& e) {
        batch_prefetch += prefetched_bytes(e, prefetch_.per_file);
        batch.push_back(std::move(e));
        if (batch.size() == batch_entries || (batch_prefetch > 0 && batch_prefetch >= prefetch_.per_file)) hand_over();
    };
    std::exception_ptr failure;
    try {
        walk_tree(root_, clamp_mtime, opened, emit, prefetch_.per_file, observe_);
        if (!batch.empty()) hand_over();
    } catch (const walk_stopped&) {
    } catch (...) {
        failure = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    failure_ = failure;
    finished_ = true;
    changed_.notify_all();
}

std::optional<tree_entry> background_walk::next()
{
    if (taken_.empty()) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
            if (ready_.empty()) {
                if (failure_) std::rethrow_exception(failure_);
                return std::nullopt;
            }
            std::move(ready_.begin(), ready_.end(), std::back_inserter(taken_));
            ready_.clear();
        }
        changed_.notify_all();
    }
    tree_entry e = std::move(taken_.front());
    taken_.pop_front();
    if (const auto prefetched = prefetched_bytes(e, prefetch_.per_file)) {
        bool crossed = false;
        {
            std::lock_guard lock(mutex_);
            const auto mark = resume_mark(prefetch_);
            crossed = waiting_prefetch_ > mark && waiting_prefetch_ - prefetched <= mark;
            waiting_prefetch_ -= prefetched;
        }
        if (crossed) changed_.notify_all();
    }
    return e;
}

}  // namespace lading::tar
