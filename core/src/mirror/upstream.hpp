// One upstream registry as the mirror reaches it: lading's registry session (credentials,
// certs.d, retries, Retry-After, token auth), pinged once before its first request.
// Threading: on the mirror's strand only.
#pragma once

#include "mirror/wake_signal.hpp"
#include "registry/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
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

private:
    boost::asio::awaitable<void> ensure_pinged();

    std::string name_;
    std::unique_ptr<registry::session> session_;
    bool pinged_ = false, pinging_ = false;
    wake_signal ping_done_;
};

}  // namespace lading::mirror
