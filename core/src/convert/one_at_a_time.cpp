#include "convert/one_at_a_time.hpp"

#include "convert/stoppable_source.hpp"

namespace lading::convert {

one_at_a_time::turn::~turn()
{
    {
        std::lock_guard lock(owner_.mutex_);
        owner_.held_.erase(key_);
    }
    owner_.released_.notify_all();
}

one_at_a_time::turn one_at_a_time::wait_for(const std::string& key, std::stop_token stop)
{
    std::unique_lock lock(mutex_);
    if (!released_.wait(lock, stop, [&] { return held_.count(key) == 0; }))
        throw conversion_stopped("waiting for another conversion of the same image");
    held_.insert(key);
    return turn(*this, key);
}

}  // namespace lading::convert
