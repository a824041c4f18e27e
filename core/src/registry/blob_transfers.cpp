#include "registry/blob_transfers.hpp"

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

namespace lading::registry {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

struct blob_transfers::transfer {
    explicit transfer(const asio::any_io_executor& ex) : ended(ex, clock::time_point::max()) {}
    bool done = false;
    std::exception_ptr failure;
    // Expires when the transfer ends: that wakes every waiter, and a later wait ends at once.
    asio::steady_timer ended;
};

namespace {
std::string key_of(const std::string& host, const std::string& repository, const digest& d)
{
    return host + "/" + repository + "@" + d.str();
}
}  // namespace

blob_transfers::blob_transfers() = default;
blob_transfers::~blob_transfers() = default;

asio::awaitable<bool> blob_transfers::once(const std::string& host, const std::string& repository, const digest& d,
                                           const std::function<asio::awaitable<void>()>& run)
{
    const auto key = key_of(host, repository, d);
    if (auto found = transfers_.find(key); found != transfers_.end()) {
        auto t = found->second;
        if (!t->done) {
            boost::system::error_code ec;
            co_await t->ended.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            // The wait also ends when this coroutine is cancelled.
            if (!t->done) throw error(errc::interrupted, "push of blob " + d.str() + " interrupted");
        }
        if (t->failure) std::rethrow_exception(t->failure);
        co_return false;
    }
    auto t = std::make_shared<transfer>(co_await asio::this_coro::executor);
    transfers_.emplace(key, t);
    try {
        co_await run();
    } catch (...) {
        t->failure = std::current_exception();
    }
    t->done = true;
    t->ended.expires_at(clock::time_point::min());
    if (t->failure) std::rethrow_exception(t->failure);
    co_return true;
}

bool blob_transfers::under_way(const std::string& host, const std::string& repository, const digest& d) const
{
    auto found = transfers_.find(key_of(host, repository, d));
    return found != transfers_.end() && !found->second->done;
}

}  // namespace lading::registry
