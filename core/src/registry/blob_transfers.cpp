#include <lading/registry/blob_transfers.hpp>

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include "async/at_scope_end.hpp"
#include "async/wake_list.hpp"

#include <algorithm>
#include <limits>
#include <exception>
#include <optional>
#include <vector>

namespace lading::registry {

namespace asio = boost::asio;

struct blob_transfers::transfer {
    std::string host, repository, blob;
    std::uint64_t order = 0;  // when it began, among this table's transfers
    bool done = false;
    // How it failed, when it did. Waiters throw errors of their own made from it: an exception
    // object (or its message's buffer) is never shared between the threads of different pushes.
    struct failure_note {
        std::error_code code;
        std::string message;
    };
    std::optional<failure_note> failure;
    async::wake_list waiters;  // callers waiting for its end, maybe on other executors
};

namespace {
std::string key_of(const std::string& host, const std::string& repository, const digest& d)
{
    return host + "/" + repository + "@" + d.str();
}

blob_transfers::transfer::failure_note note_of(const std::exception_ptr& failure)
{
    try {
        std::rethrow_exception(failure);
    } catch (const error& e) {
        return {e.code(), std::string(e.what())};
    } catch (const std::exception& e) {
        return {{}, std::string(e.what())};
    } catch (...) {
        return {{}, "blob transfer failed"};
    }
}
}  // namespace

blob_transfers::blob_transfers() = default;
blob_transfers::~blob_transfers() = default;

asio::awaitable<bool> blob_transfers::wait_for_end(std::shared_ptr<transfer> t)
{
    // Ends when the transfer ends, or when this coroutine is cancelled.
    co_await async::wait_on(mutex_, t->waiters, [&] { return !t->done; });
    bool ended = false;
    {
        std::lock_guard lock(mutex_);
        ended = t->done;
    }
    co_return ended;
}

asio::awaitable<bool> blob_transfers::once(const std::string& host, const std::string& repository, const digest& d,
                                           const std::function<asio::awaitable<void>()>& run)
{
    const auto key = key_of(host, repository, d);
    for (;;) {
        std::shared_ptr<transfer> t;
        bool mine = false;
        {
            std::lock_guard lock(mutex_);
            auto& slot = transfers_[key];
            if (!slot) {
                slot = std::make_shared<transfer>();
                slot->host = host;
                slot->repository = repository;
                slot->blob = d.str();
                slot->order = ++begun_;
                mine = true;
            }
            t = slot;
        }

        if (mine) {
            bool ended = false;
            auto end = [&](std::exception_ptr failure) {
                std::lock_guard lock(mutex_);
                ended = true;
                t->done = true;
                if (failure) t->failure = note_of(failure);
                t->waiters.wake_all();
                if (auto found = transfers_.find(key); failure && found != transfers_.end() && found->second == t)
                    transfers_.erase(found);
            };
            // A frame destroyed mid-transfer still releases its waiters, as interrupted.
            async::at_scope_end abandoned([&] {
                if (ended) return;
                try {
                    end(std::make_exception_ptr(error(errc::interrupted, "push of blob " + d.str() + " interrupted")));
                } catch (...) {
                }
            });
            std::exception_ptr failure;
            try {
                co_await run();
            } catch (...) {
                failure = std::current_exception();
            }
            end(failure);
            if (failure) std::rethrow_exception(failure);
            co_return true;
        }

        if (!co_await wait_for_end(t)) throw error(errc::interrupted, "push of blob " + d.str() + " interrupted");
        std::optional<transfer::failure_note> failure;
        {
            std::lock_guard lock(mutex_);
            failure = t->failure;
        }
        // Another push that was stopped does not fail this one: it transfers the blob itself.
        if (failure && failure->code == make_error_code(errc::interrupted)) continue;
        if (failure) throw error(failure->code, failure->message);
        co_return false;
    }
}

asio::awaitable<std::optional<std::string>> blob_transfers::earlier_holder(const std::string& host,
                                                                          const std::string& repository, const digest& d)
{
    const auto blob = d.str();
    std::uint64_t own_order = std::numeric_limits<std::uint64_t>::max();
    {
        std::lock_guard lock(mutex_);
        if (auto found = transfers_.find(key_of(host, repository, d)); found != transfers_.end())
            own_order = found->second->order;
    }
    // Only transfers that began before the caller's own are waited for: no two wait on each other.
    for (;;) {
        std::optional<std::string> holder;
        std::shared_ptr<transfer> oldest_under_way;
        {
            std::lock_guard lock(mutex_);
            for (const auto& [key, t] : transfers_) {
                if (t->host != host || t->blob != blob || t->repository == repository || t->order >= own_order) continue;
                if (t->done) {
                    holder = t->repository;
                    break;
                }
                if (!oldest_under_way || t->order < oldest_under_way->order) oldest_under_way = t;
            }
        }
        if (holder || !oldest_under_way) co_return holder;
        if (!co_await wait_for_end(oldest_under_way))
            throw error(errc::interrupted, "push of blob " + blob + " interrupted");
        // Ended: done (it stays listed, a holder now) or failed (it is gone): look again.
    }
}

bool blob_transfers::under_way(const std::string& host, const std::string& repository, const digest& d) const
{
    std::lock_guard lock(mutex_);
    auto found = transfers_.find(key_of(host, repository, d));
    return found != transfers_.end() && !found->second->done;
}

}  // namespace lading::registry
