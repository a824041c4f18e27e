// Wakes every coroutine waiting on it (a condition variable for one strand): waiters check
// their condition, then wait(); whoever changes the condition calls notify_all().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace lading::mirror {

class wake_signal {
public:
    explicit wake_signal(boost::asio::any_io_executor ex);
    boost::asio::awaitable<void> wait();
    void notify_all();

private:
    boost::asio::steady_timer timer_;
    unsigned waiting_ = 0;  // a notification with no one waiting costs nothing
};

}  // namespace lading::mirror
