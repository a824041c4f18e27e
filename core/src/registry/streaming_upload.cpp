#include "registry/streaming_upload.hpp"

#include "registry/blob_presence.hpp"
#include "registry/chunked_upload.hpp"
#include "registry/session.hpp"
#include "registry/upload_requests.hpp"
#include "registry/url.hpp"
#include <lading/async/run_blocking.hpp>
#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

#include <boost/asio/this_coro.hpp>

namespace lading::registry {

namespace asio = boost::asio;

streaming_upload::streaming_upload(upload_target target, std::stop_token stop) : target_(std::move(target))
{
    filling_ = empty_buffer();
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
    on_stop_.emplace(std::move(stop), [this] {
        stopped_ = true;
        abandon();
    });
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
    auto room = [&] { return ended_ || abandoned_ || queued_.size() < queue_limit_ || p.last; };
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

void streaming_upload::recycle(std::vector<std::uint8_t> bytes)
{
    if (bytes.capacity() < piece_size) return;
    bytes.clear();
    std::lock_guard lock(mutex_);
    if (spare_.size() < pieces_queued) spare_.push_back(std::move(bytes));
}

std::vector<std::uint8_t> streaming_upload::empty_buffer()
{
    {
        std::lock_guard lock(mutex_);
        if (!spare_.empty()) {
            auto bytes = std::move(spare_.back());
            spare_.pop_back();
            return bytes;
        }
    }
    std::vector<std::uint8_t> bytes;
    bytes.reserve(piece_size);
    return bytes;
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

// The PATCH body: the pieces as the producer hands them over, up to the final one, whose
// digest it keeps for the PUT. It can be opened once only: a body already partly sent is
// gone, so a retry of the PATCH fails the upload instead of sending other bytes.
class streaming_upload::piece_reader : public byte_source {
public:
    piece_reader(streaming_upload& upload, std::optional<digest>& last) : upload_(upload), last_(last) {}

    std::size_t read(std::span<std::uint8_t> buf) override
    {
        while (at_ == current_.bytes.size()) {
            if (current_.last) {
                last_ = current_.last;
                return 0;
            }
            upload_.recycle(std::move(current_.bytes));
            current_ = upload_.next_piece();
            at_ = 0;
        }
        auto n = std::min(buf.size(), current_.bytes.size() - at_);
        std::copy_n(current_.bytes.begin() + static_cast<std::ptrdiff_t>(at_), n, buf.begin());
        at_ += n;
        return n;
    }

private:
    streaming_upload& upload_;
    std::optional<digest>& last_;
    piece current_;
    std::size_t at_ = 0;
};

void streaming_upload::write(std::span<const std::uint8_t> bytes)
{
    sent_ += bytes.size();
    while (!bytes.empty()) {
        auto n = std::min(bytes.size(), piece_size - filling_.size());
        filling_.insert(filling_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        bytes = bytes.subspan(n);
        if (filling_.size() == piece_size) {
            hand_over({std::move(filling_), std::nullopt});
            filling_ = empty_buffer();
        }
    }
}

void streaming_upload::close(const digest& d)
{
    hand_over({std::move(filling_), d});
    filling_ = {};
}

std::optional<std::string> streaming_upload::outcome()
{
    {
        std::lock_guard one_joins(joining_);
        if (thread_.joinable()) thread_.join();
    }
    if (stopped_) throw error(errc::interrupted, "the streamed upload to " + target_.repository + " was stopped");
    std::lock_guard lock(mutex_);
    return failure_;
}

asio::awaitable<url> streaming_upload::send_in_chunks(session& s, url location, std::size_t chunk,
                                                     std::optional<digest>& last, const std::vector<std::string>& scopes,
                                                     const std::string& what)
{
    {
        // The chunk gathered in memory takes the place of pieces in the queue.
        std::lock_guard lock(mutex_);
        queue_limit_ = pieces_queued - std::min(pieces_queued - 1, chunk / piece_size);
    }
    piece_reader pieces(*this, last);
    std::vector<std::uint8_t> bytes(chunk);
    for (std::uint64_t offset = 0;;) {
        std::size_t filled = 0;
        while (filled < chunk)
            if (auto n = pieces.read(std::span(bytes).subspan(filled)); n > 0)
                filled += n;
            else
                break;
        if (filled == 0) co_return location;
        location = co_await send_chunk(
            s, location, offset, filled,
            [&bytes, filled] { return std::make_unique<memory_source>(std::span<const std::uint8_t>(bytes.data(), filled)); },
            {}, scopes, what);
        offset += filled;
        if (filled < chunk) co_return location;
    }
}

asio::awaitable<void> streaming_upload::run()
{
    session s(co_await asio::this_coro::executor, target_.domain, options_for(target_));
    co_await s.ping();
    const std::vector<std::string> scopes = {"repository:" + target_.repository + ":pull,push"};
    const std::string what = "streamed upload to " + target_.repository;

    const auto started = co_await start_upload(s, target_.repository, scopes, what);
    auto location = upload_location(s, started, what);
    {
        std::lock_guard lock(mutex_);
        opened_ = true;
    }
    changed_.notify_all();

    std::optional<digest> last;
    if (auto cap = s.upload_chunk_size()) {
        const auto chunk = std::min<std::uint64_t>(*cap, largest_chunk);
        // A chunk below the registry's least would be refused, one above what its front
        // takes too, and one above largest_chunk would not fit the memory kept for a stream.
        if (const auto least = least_chunk(started); least > chunk)
            throw error(errc::request_failed, "the registry asks for chunks of at least " + std::to_string(least) +
                                                  " bytes, and a stream sends at most " + std::to_string(chunk));
        location = co_await send_in_chunks(s, location, static_cast<std::size_t>(chunk), last, scopes, what);
    } else {
        bool opened_once = false;
        request_body body;
        body.chunked = true;
        body.open = [&]() -> std::unique_ptr<byte_source> {
            if (opened_once) throw error(errc::request_failed, "the streamed body was cut off and cannot be sent again");
            opened_once = true;
            return std::make_unique<piece_reader>(*this, last);
        };
        request_spec send;
        send.method = http::verb::patch;
        send.target = location.target;
        send.body = &body;
        send.scopes = scopes;
        send.expected = {202};
        send.what = what;
        send.follow_redirects = false;
        location = upload_location(s, co_await s.send(send), what);
    }
    if (!last) throw error(errc::protocol_violation, "registry " + s.host() + " accepted the " + what + " before its end");
    std::exception_ptr failure;
    try {
        co_await commit_upload(s, location, *last, scopes, what);
        co_return;
    } catch (const error& e) {
        if (e.code() == errc::interrupted) throw;
        failure = std::current_exception();
    }
    // A PUT whose answer was lost may have been taken (its retry then finds the upload gone):
    // the registry holding the blob settles it.
    try {
        if (holds_blob(co_await s.send(blob_head_request(target_.repository, *last)), sent_)) co_return;
    } catch (const error& e) {
        if (e.code() == errc::interrupted) throw;
    }
    std::rethrow_exception(failure);
}

}  // namespace lading::registry
