#include "mirror/upstream.hpp"

#include "registry/url.hpp"

namespace lading::mirror {

namespace asio = boost::asio;

upstream::upstream(asio::any_io_executor ex, std::string name, const std::string& url_text,
                   const lading::host_config* hosts)
    : name_(std::move(name)), ping_done_(ex)
{
    auto u = registry::url::parse(url_text);
    auto host = u.host_port();
    // The default port of the scheme is not part of how the registry is named.
    if ((u.scheme == "https" && u.port == "443") || (u.scheme == "http" && u.port == "80")) host = u.host;
    auto options = registry::options_for(host, hosts, false);
    if (u.scheme == "http") options.plain_http = true;
    session_ = std::make_unique<registry::session>(ex, host, options);
}

asio::awaitable<void> upstream::ensure_pinged()
{
    while (pinging_) co_await ping_done_.wait();
    if (pinged_) co_return;
    pinging_ = true;
    try {
        co_await session_->ping();
        pinged_ = true;
    } catch (...) {
        pinging_ = false;
        ping_done_.notify_all();
        throw;
    }
    pinging_ = false;
    ping_done_.notify_all();
}

asio::awaitable<registry::http_response> upstream::send(const registry::request_spec& spec)
{
    co_await ensure_pinged();
    co_return co_await session_->send(spec);
}

bool upstream::failed_within(std::chrono::seconds window) const
{
    return last_failure_ && std::chrono::steady_clock::now() - *last_failure_ < window;
}

}  // namespace lading::mirror
