#include "registry/streaming_upload.hpp"

#include "registry/session.hpp"
#include "registry/url.hpp"
#include <lading/async/run_blocking.hpp>
#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <boost/asio/this_coro.hpp>

namespace lading::registry {

namespace asio = boost::asio;

namespace {

constexpr std::size_t chunks_queued = 1;

// Where the registry wants the next request of an upload, from the Location it answered.
url next_location(const session& s, const http_response& r, const std::string& what)
{
    auto location = r.header(http::field::location);
    if (location.empty())
        throw error(errc::protocol_violation, "registry " + s.host() + " answered the " + what + " without a Location");
    auto u = s.base().resolve(location);
    if (!u.same_origin(s.base()))
        throw error(errc::protocol_violation, "registry " + s.host() + " sent the " + what + " to another host (" +
                                                  u.origin() + "); lading only uploads to the registry itself");
    return u;
}

}  // namespace

streaming_upload::streaming_upload(upload_target target, std::stop_token stop) : target_(std::move(target))
{
    filling_.reserve(chunk_size);
    thread_ = std::thread([this] {
        try {
            async::run_blocking(run(), stop_.get_token());
            std::lock_guard lock(mutex_);
            ended_ = true;
        } catch (const std::exception& e) {
            fail(e.what());
        }
        changed_.notify_all();
    });
    on_stop_.emplace(std::move(stop), [this] { abandon(); });
}

streaming_upload::~streaming_upload()
{
    on_stop_.reset();
    abandon();
    if (thread_.joinable()) thread_.join();
}

void streaming_upload::abandon()
{
    {
        std::lock_guard lock(mutex_);
        if (!ended_) abandoned_ = true;
    }
    changed_.notify_all();
    stop_.request_stop();
}

void streaming_upload::fail(std::string why)
{
    std::lock_guard lock(mutex_);
    if (!failure_) failure_ = std::move(why);
    ended_ = true;
    queued_.clear();
}

void streaming_upload::give_up(std::string why)
{
    {
        std::lock_guard lock(mutex_);
        if (!failure_) failure_ = std::move(why);
    }
    abandon();
}

void streaming_upload::hand_over(piece p)
{
    std::unique_lock lock(mutex_);
    auto room = [&] { return ended_ || abandoned_ || queued_.size() < chunks_queued || p.last; };
    if (!changed_.wait_until(lock, open_deadline_, [&] { return opened_ || room(); })) {
        lock.unlock();
        give_up("the registry did not open the upload within " + std::to_string(open_within.count()) + " s");
        return;
    }
    changed_.wait(lock, room);
    if (ended_ || abandoned_) return;  // failed: the bytes are dropped, the caller uploads them later
    queued_.push_back(std::move(p));
    changed_.notify_all();
}

streaming_upload::piece streaming_upload::next_piece()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return abandoned_ || !queued_.empty(); });
    if (abandoned_) throw error(errc::interrupted, "the streamed upload was abandoned");
    auto p = std::move(queued_.front());
    queued_.pop_front();
    changed_.notify_all();
    return p;
}

void streaming_upload::write(std::span<const std::uint8_t> bytes)
{
    while (!bytes.empty()) {
        auto n = std::min(bytes.size(), chunk_size - filling_.size());
        filling_.insert(filling_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        bytes = bytes.subspan(n);
        if (filling_.size() == chunk_size) {
            hand_over({std::move(filling_), std::nullopt});
            filling_ = {};
            filling_.reserve(chunk_size);
        }
    }
}

std::optional<std::string> streaming_upload::finish(const digest& d)
{
    hand_over({std::move(filling_), d});
    filling_ = {};
    thread_.join();
    std::lock_guard lock(mutex_);
    return failure_;
}

asio::awaitable<void> streaming_upload::run()
{
    session s(co_await asio::this_coro::executor, target_.domain,
              options_for(target_.domain, target_.hosts, target_.insecure));
    co_await s.ping();
    const std::vector<std::string> scopes = {"repository:" + target_.repository + ":pull,push"};
    const std::string what = "streamed upload to " + target_.repository;

    request_spec start;
    start.method = http::verb::post;
    start.target = "/v2/" + target_.repository + "/blobs/uploads/";
    start.scopes = scopes;
    start.expected = {202};
    start.what = what;
    auto location = next_location(s, co_await s.send(start), what);
    {
        std::lock_guard lock(mutex_);
        opened_ = true;
    }
    changed_.notify_all();

    std::uint64_t offset = 0;
    for (;;) {
        auto p = next_piece();
        request_body body;
        body.size = p.bytes.size();
        body.open = [&p] { return std::make_unique<memory_source>(std::span<const std::uint8_t>(p.bytes)); };
        request_spec send;
        send.body = &body;
        send.scopes = scopes;
        send.what = what;
        send.follow_redirects = false;
        if (!p.last) {
            send.method = http::verb::patch;
            send.target = location.target;
            // The registry refuses (416) a chunk that does not start where its upload ends,
            // such as one resent after a connection broke mid-body.
            send.headers.set(http::field::content_range,
                             std::to_string(offset) + "-" + std::to_string(offset + p.bytes.size() - 1));
            send.expected = {202};
            location = next_location(s, co_await s.send(send), what);
            offset += p.bytes.size();
            continue;
        }
        send.method = http::verb::put;
        send.target = location.target + (location.target.find('?') == std::string::npos ? "?" : "&") +
                      "digest=" + query_escape(p.last->str());
        send.expected = {201, 204};
        auto done = co_await s.send(send);
        auto echoed = done.header("Docker-Content-Digest");
        if (!echoed.empty() && echoed != p.last->str())
            throw error(errc::protocol_violation,
                        "registry " + s.host() + " stored blob " + p.last->str() + " as " + echoed);
        co_return;
    }
}

}  // namespace lading::registry
