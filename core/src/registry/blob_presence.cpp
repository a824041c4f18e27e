#include "registry/blob_presence.hpp"

#include <lading/async/run_blocking.hpp>

#include <boost/asio/this_coro.hpp>

namespace lading::registry {

namespace {

boost::asio::awaitable<bool> head_blob(const upload_target& target, const digest& d)
{
    auto options = options_for(target.domain, target.hosts, target.insecure);
    options.retry.max_attempts = 1;  // a registry that struggles is better left to the push's retries
    session s(co_await boost::asio::this_coro::executor, target.domain, std::move(options));
    co_await s.ping();
    co_return (co_await s.send(blob_head_request(target.repository, d))).status == 200;
}

}  // namespace

request_spec blob_head_request(const std::string& repository, const digest& d)
{
    request_spec head;
    head.method = http::verb::head;
    head.target = "/v2/" + repository + "/blobs/" + d.str();
    head.scopes = {"repository:" + repository + ":pull,push"};
    head.expected = {200, 404};
    head.what = "blob " + d.str();
    return head;
}

bool repository_has_blob(const upload_target& target, const digest& d, std::stop_token stop)
{
    try {
        return async::run_blocking(head_blob(target, d), std::move(stop));
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace lading::registry
