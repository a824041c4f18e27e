// The last error message of each thread, for a plugin whose handles several threads use at
// once (a store's last_error). A map by thread id under a lock instead of a thread_local:
// dynamic TLS in a dlopen'ed plugin is what LeakSanitizer's exit scan crashed on.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace lading::sdk {

class errors_by_thread {
public:
    void set(const std::string& message) noexcept
    {
        try {
            std::lock_guard lock(mutex_);
            errors_[std::this_thread::get_id()] = message;
        } catch (...) {
            // Out of memory: the previous message stays.
        }
    }
    // Valid until this thread's next set().
    const char* get() noexcept
    {
        std::lock_guard lock(mutex_);
        auto it = errors_.find(std::this_thread::get_id());
        return it == errors_.end() ? "" : it->second.c_str();
    }

private:
    std::mutex mutex_;
    std::map<std::thread::id, std::string> errors_;
};

}  // namespace lading::sdk
