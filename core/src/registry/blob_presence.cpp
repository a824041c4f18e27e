#include "registry/blob_presence.hpp"

#include <lading/async/run_blocking.hpp>

#include <boost/asio/this_coro.hpp>

#include <charconv>

namespace lading::registry {

namespace {

boost::asio::awaitable<bool> head_blob(const upload_target& target, const digest& d, std::uint64_t size)
{
    auto options = options_for(target);
    options.retry.max_attempts = 1;  // a registry that struggles is better left to the push's retries
    session s(co_await boost::asio::this_coro::executor, target.domain, std::move(options));
    co_await s.ping();
    co_return holds_blob(co_await s.send(blob_head_request(target.repository, d)), size);
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

bool holds_blob(const http_response& head, std::uint64_t size)
{
    if (head.status != 200) return false;
    auto length = head.headers.find(http::field::content_length);
    if (length == head.headers.end()) return true;
    std::uint64_t said = 0;
    auto text = length->value();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), said);
    return ec == std::errc{} && end == text.data() + text.size() && said == size;
}

bool repository_has_blob(const upload_target& target, const digest& d, std::uint64_t size, std::stop_token stop)
{
    try {
        return async::run_blocking(head_blob(target, d, size), std::move(stop));
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace lading::registry
