// A blob goes to a repository once among the pushes that share one table: the images of one
// push call (children of an index sharing a layer or a config, several names in one
// repository), and the pushes running side by side that were given the same table (the
// targets of one `lading bake`). The first to reach a blob checks, mounts or uploads it; the
// others wait for that transfer and share its outcome instead of starting their own. A blob
// going to another repository of the same registry is mounted from one it went to before.
//
// A finished transfer is remembered for the table's lifetime, so share a table only among
// pushes that run together: a blob deleted from the registry later would not be sent again.
// A failed transfer is forgotten once its waiters have its failure; a later caller tries anew.
#pragma once

#include <lading/oci/digest.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace lading::registry {

// Thread-safe: callers may run on different executors (one io_context per export, each run
// by its own thread). Each caller's executor must not run its handlers in parallel.
class blob_transfers {
public:
    blob_transfers();
    ~blob_transfers();
    blob_transfers(const blob_transfers&) = delete;
    blob_transfers& operator=(const blob_transfers&) = delete;

    // Runs `transfer` and returns true when no transfer of blob d into host/repository is
    // under way or done in this table; otherwise waits for that one to end, then returns false
    // or throws what it threw. A waiter whose coroutine is cancelled throws errc::interrupted.
    boost::asio::awaitable<bool> once(const std::string& host, const std::string& repository, const digest& d,
                                      const std::function<boost::asio::awaitable<void>()>& transfer);

    // Another repository of `host` that holds d through a transfer of this table that began
    // before the caller's own transfer of d into `repository` (or before this call, for a
    // caller with none): such a transfer still under way is waited for. nullopt when none
    // succeeded. The caller may then mount d from there instead of uploading it again.
    boost::asio::awaitable<std::optional<std::string>> earlier_holder(const std::string& host,
                                                                      const std::string& repository, const digest& d);

    // Whether a transfer of d into host/repository has begun and not ended yet.
    bool under_way(const std::string& host, const std::string& repository, const digest& d) const;

    struct transfer;  // one blob into one repository

private:
    // Until `t` ends (at once when it has); false when the calling coroutine was cancelled first.
    boost::asio::awaitable<bool> wait_for_end(std::shared_ptr<transfer> t);

    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<transfer>> transfers_;
    std::uint64_t begun_ = 0;  // transfers begun so far
};

}  // namespace lading::registry
