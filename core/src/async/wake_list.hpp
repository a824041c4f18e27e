// Coroutines waiting for one event, each maybe on another executor (an io_context per
// thread): each waits on a timer of its own executor, and the event expires every timer on
// that timer's own executor, so no timer is touched from a foreign thread. Used by tables
// that several pushes and sessions share (blob transfers, single flights).
//
// A wake_list is guarded by its owner's mutex: enlist, leave and wake_all are called with it
// held. Each waiter's executor must not run its handlers in parallel, and an io_context with
// a waiter suspended in it must not be destroyed while another thread may wake that waiter
// (run it until its coroutines have ended first).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace lading::async {

class wake_list {
public:
    // A timer on `ex`, expiring at `deadline` or when wake_all() is called; it belongs to
    // the waiter.
    std::shared_ptr<boost::asio::steady_timer> enlist(const boost::asio::any_io_executor& ex,
                                                      std::chrono::steady_clock::time_point deadline);
    void leave(const boost::asio::steady_timer* timer);
    // Expires every enlisted timer, on its executor, and forgets them.
    void wake_all();

private:
    struct waiter {
        boost::asio::any_io_executor executor;
        std::weak_ptr<boost::asio::steady_timer> wake;
        const boost::asio::steady_timer* id;
    };
    std::vector<waiter> waiters_;
};

// Suspends the calling coroutine until `list` is woken, `longest` has passed, or the
// coroutine is cancelled; returns at once when `pending()`, asked with `mutex` held, is false.
// `list` and `pending` must outlive the wait: co_await the call where it is made.
boost::asio::awaitable<void> wait_on(std::mutex& mutex, wake_list& list, const std::function<bool()>& pending,
                                     std::chrono::steady_clock::duration longest =
                                         std::chrono::steady_clock::duration::max());

}  // namespace lading::async
