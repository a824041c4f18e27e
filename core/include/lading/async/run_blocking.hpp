// Runs a coroutine to completion from code that is not a coroutine: the one way lading (and
// a program that embeds it) blocks on its asynchronous operations.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <stop_token>
#include <utility>

namespace boost::asio {
class io_context;
}

namespace lading::async {

namespace detail {
// Runs `work` on `io` (a private io_context when null) in the calling thread until it
// completes; rethrows what it threw.
void run_to_completion(boost::asio::io_context* io, boost::asio::awaitable<void> work, std::stop_token stop);

template <class T>
boost::asio::awaitable<void> keep_result(boost::asio::awaitable<T> work, std::optional<T>& result)
{
    result.emplace(co_await std::move(work));
}
}  // namespace detail

// Runs `work` until it completes and returns its result, or rethrows what it threw.
//
// Threading: every handler of `work` runs in the calling thread, on a private io_context
// (or on `io`, which no other thread may run meanwhile); work that `work` hands to other
// executors (a thread pool) completes back on it.
//
// Cancellation: when `stop` is requested, from any thread (one that watches signals, a UI),
// `work` receives asio's terminal cancellation: the operation under way ends with
// operation_aborted, lading's registry operations with lading::error carrying
// registry::errc::interrupted. run_blocking then waits for `work` to unwind (its cleanup
// runs) and rethrows. A stop requested before the call cancels `work` at its first
// suspension. An empty `stop` never cancels.
template <class T>
T run_blocking(boost::asio::io_context& io, boost::asio::awaitable<T> work, std::stop_token stop = {})
{
    if constexpr (std::is_void_v<T>) {
        detail::run_to_completion(&io, std::move(work), std::move(stop));
    } else {
        std::optional<T> result;
        detail::run_to_completion(&io, detail::keep_result(std::move(work), result), std::move(stop));
        return std::move(*result);
    }
}

template <class T>
T run_blocking(boost::asio::awaitable<T> work, std::stop_token stop = {})
{
    if constexpr (std::is_void_v<T>) {
        detail::run_to_completion(nullptr, std::move(work), std::move(stop));
    } else {
        std::optional<T> result;
        detail::run_to_completion(nullptr, detail::keep_result(std::move(work), result), std::move(stop));
        return std::move(*result);
    }
}

}  // namespace lading::async
