// One upstream registry as the mirror reaches it: lading's registry session (credentials,
// certs.d, retries, Retry-After, token auth), pinged once before its first request.
// Threading: on the mirror's strand only.
#pragma once

#include "mirror/wake_signal.hpp"
#include "registry/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace lading::mirror {

class upstream {
public:
    // name: how clients name the upstream (ns=, path prefix); url: http(s)://host[:port].
    upstream(boost::asio::any_io_executor ex, std::string name, const std::string& url,
             const lading::host_config* hosts);

    const std::string& name() const { return name_; }
    const std::string& host() const { return session_->host(); }
    boost::asio::awaitable<registry::http_response> send(const registry::request_spec& spec);

    // Whether the upstream last failed to answer (down, or 5xx after the session's retries)
    // less than `window` ago. What the mirror can serve stale it then serves at once, instead
    // of making every client wait out the retries again.
    bool failed_within(std::chrono::seconds window) const;
    void note_answered() { last_failure_.reset(); }
    void note_failed() { last_failure_ = std::chrono::steady_clock::now(); }

private:
    boost::asio::awaitable<void> ensure_pinged();

    std::string name_;
    std::unique_ptr<registry::session> session_;
    bool pinged_ = false, pinging_ = false;
    wake_signal ping_done_;
    std::optional<std::chrono::steady_clock::time_point> last_failure_;
};

}  // namespace lading::mirror
