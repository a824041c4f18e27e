#include "async/wake_list.hpp"

#include "async/at_scope_end.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace lading::async {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

std::shared_ptr<asio::steady_timer> wake_list::enlist(const asio::any_io_executor& ex, clock::time_point deadline)
{
    auto timer = std::make_shared<asio::steady_timer>(ex, deadline);
    waiters_.push_back({ex, timer, timer.get()});
    return timer;
}

void wake_list::leave(const asio::steady_timer* timer)
{
    std::erase_if(waiters_, [&](const waiter& w) { return w.id == timer; });
}

void wake_list::wake_all()
{
    // An expiry in the past also ends a wait that has not begun yet when the post runs.
    for (const auto& w : waiters_)
        asio::post(w.executor, [weak = w.wake] {
            if (auto timer = weak.lock()) timer->expires_at(clock::time_point::min());
        });
    waiters_.clear();
}

asio::awaitable<void> wait_on(std::mutex& mutex, wake_list& list, const std::function<bool()>& pending,
                              clock::duration longest)
{
    const auto ex = co_await asio::this_coro::executor;
    const auto now = clock::now();
    const auto deadline = longest < clock::time_point::max() - now ? now + longest : clock::time_point::max();
    std::shared_ptr<asio::steady_timer> wake;
    {
        std::lock_guard lock(mutex);
        if (pending()) wake = list.enlist(ex, deadline);
    }
    if (!wake) co_return;
    at_scope_end stop_waiting([&] {
        std::lock_guard lock(mutex);
        list.leave(wake.get());
    });
    boost::system::error_code ec;
    co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace lading::async
