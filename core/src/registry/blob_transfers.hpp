// Within one push run, a blob goes to a repository once. When several images of the run
// reference it (children of one index that share a layer or a config, several names in one
// repository), the first to reach it checks, mounts or uploads it; the others wait for that
// transfer and share its outcome, failure included, instead of starting their own.
#pragma once

#include <lading/oci/digest.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace lading::registry {

// Every coroutine using one table runs on the same executor, which runs one handler at a time.
class blob_transfers {
public:
    blob_transfers();
    ~blob_transfers();
    blob_transfers(const blob_transfers&) = delete;
    blob_transfers& operator=(const blob_transfers&) = delete;

    // Runs `transfer` and returns true when no transfer of blob d into host/repository began
    // before in this run; otherwise waits for that one to end, then returns false or throws
    // what it threw.
    boost::asio::awaitable<bool> once(const std::string& host, const std::string& repository, const digest& d,
                                      const std::function<boost::asio::awaitable<void>()>& transfer);

    // Whether a transfer of d into host/repository has begun and not ended yet.
    bool under_way(const std::string& host, const std::string& repository, const digest& d) const;

private:
    struct transfer;
    std::map<std::string, std::shared_ptr<transfer>> transfers_;
};

}  // namespace lading::registry
