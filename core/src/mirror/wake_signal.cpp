#include "mirror/wake_signal.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace lading::mirror {

namespace asio = boost::asio;

wake_signal::wake_signal(asio::any_io_executor ex) : timer_(std::move(ex), asio::steady_timer::time_point::max()) {}

asio::awaitable<void> wake_signal::wait()
{
    boost::system::error_code ignored;
    ++waiting_;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    --waiting_;
}

void wake_signal::notify_all()
{
    if (waiting_ > 0) timer_.cancel();
}

}  // namespace lading::mirror
