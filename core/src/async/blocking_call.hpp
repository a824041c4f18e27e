// Moves a call that may block (a store plugin reading a file, a synchronous download) off
// the thread that runs a coroutine's executor, so that other coroutines on it keep going.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace lading::async {

// Runs `call()` on `pool` (a thread pool's executor) and resumes the awaiting coroutine on
// its own executor with the result, or with what `call` threw. A cancellation of the
// awaiting coroutine does not interrupt `call`: the coroutine resumes when it returns.
// No cancellation slot is passed on: co_spawn would emit a cancellation into the coroutine
// on the pool from the awaiting thread while `call` runs there (a data race), and there is
// nothing to cancel anyway. An awaitable operator (&&, ||) therefore waits for the call.
template <class Call>
boost::asio::awaitable<std::invoke_result_t<Call&>> blocking_call(boost::asio::any_io_executor pool, Call call)
{
    // GCC 12 destroys a closure that owns something one time too many when it is made in an
    // expression holding a co_await, and the closure below that takes `call` is one: a call
    // that owned an object (a std::function, a lambda holding a shared_ptr) crashed. Calls
    // capture references and pointers.
    static_assert(std::is_trivially_destructible_v<Call>,
                  "blocking_call: let the call capture references or pointers, not objects it owns");
    using result = std::invoke_result_t<Call&>;
    co_return co_await boost::asio::co_spawn(
        pool, [call = std::move(call)]() mutable -> boost::asio::awaitable<result> { co_return call(); },
        boost::asio::bind_cancellation_slot(boost::asio::cancellation_slot(), boost::asio::use_awaitable));
}

}  // namespace lading::async
