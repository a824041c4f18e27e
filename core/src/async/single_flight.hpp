// Coroutines that need the same thing at the same moment (a registry's greeting, a token),
// on any executors of the process, fetch it once: the first to ask for a key leads its
// flight; the others wait until that flight ends, however it ends, and then look for what
// it brought where the leader keeps it. A waiter waits for one flight only: when that one
// brought nothing it fetches for itself, so that callers facing a failing server do not
// fail one after the other in a queue.
//
// Thread-safe. Each caller's executor must not run its handlers in parallel.
#pragma once

#include "async/wake_list.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace lading::async {

class single_flight {
public:
    // The lead of one flight: ends it, waking its waiters, when destroyed.
    class lead {
    public:
        lead(lead&& other) noexcept : flights_(std::exchange(other.flights_, nullptr)), key_(std::move(other.key_)) {}
        lead& operator=(lead&& other) noexcept;
        ~lead();

    private:
        friend class single_flight;
        lead(single_flight& flights, std::string key) : flights_(&flights), key_(std::move(key)) {}

        single_flight* flights_;
        std::string key_;
    };

    // The lead of `key`'s flight when none is under way. Otherwise waits until the one under
    // way ends, `longest` passes or the calling coroutine is cancelled, and returns nullopt.
    boost::asio::awaitable<std::optional<lead>> lead_or_wait(std::string key,
                                                              std::chrono::steady_clock::duration longest);

    // Flights under way.
    std::size_t under_way() const;

private:
    void end(const std::string& key);

    mutable std::mutex mutex_;
    // A key is listed while its flight is under way. Waiters hold its list too: it outlives
    // its listing when the flight ends between a waiter's look and its wait.
    std::map<std::string, std::shared_ptr<wake_list>> flights_;
};

}  // namespace lading::async
