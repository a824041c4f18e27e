#include "stream/read_ahead_source.hpp"

#include <algorithm>
#include <cstring>

namespace lading {

read_ahead_source::read_ahead_source(byte_source& inner, std::size_t chunk_size, std::size_t chunks,
                                     std::function<void(std::span<const std::uint8_t>)> on_chunk)
    : inner_(inner), on_chunk_(std::move(on_chunk)), ring_(std::max<std::size_t>(chunks, 2))
{
    for (auto& c : ring_) c.bytes.resize(std::max<std::size_t>(chunk_size, 1));
    thread_ = std::thread([this] { run(); });
}

read_ahead_source::~read_ahead_source()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void read_ahead_source::run()
{
    std::exception_ptr failure;
    for (;;) {
        chunk* c = nullptr;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || filled_ - consumed_ < ring_.size(); });
            if (stopping_) return;
            c = &ring_[filled_ % ring_.size()];
        }
        // Only this thread touches a chunk between its turn coming and filled_ moving on.
        std::size_t n = 0;
        try {
            while (n < c->bytes.size()) {
                auto got = inner_.read(std::span(c->bytes).subspan(n));
                if (got == 0) break;
                n += got;
            }
        } catch (...) {
            failure = std::current_exception();
        }
        if (on_chunk_ && n > 0) on_chunk_(std::span<const std::uint8_t>(c->bytes.data(), n));
        const bool last = failure || n < c->bytes.size();
        {
            std::lock_guard lock(mutex_);
            c->size = n;
            if (n > 0) ++filled_;
            if (last) {
                failure_ = failure;
                finished_ = true;
            }
        }
        // Notified after unlocking: a reader woken while the lock is held would only block on it.
        changed_.notify_all();
        if (last) return;
    }
}

read_ahead_source::chunk* read_ahead_source::wait_for_chunk()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return filled_ > consumed_ || finished_; });
    if (filled_ > consumed_) return &ring_[consumed_ % ring_.size()];
    if (failure_) std::rethrow_exception(failure_);
    return nullptr;
}

void read_ahead_source::release_chunk()
{
    offset_ = 0;
    {
        std::lock_guard lock(mutex_);
        ++consumed_;
    }
    changed_.notify_all();
}

std::size_t read_ahead_source::read(std::span<std::uint8_t> buf)
{
    std::size_t copied = 0;
    while (copied < buf.size()) {
        if (copied > 0) {
            std::lock_guard lock(mutex_);
            if (filled_ == consumed_) break;  // hand out what is here rather than wait
        }
        chunk* c = wait_for_chunk();
        if (!c) break;
        auto n = std::min(buf.size() - copied, c->size - offset_);
        std::memcpy(buf.data() + copied, c->bytes.data() + offset_, n);
        copied += n;
        offset_ += n;
        if (offset_ == c->size) release_chunk();
    }
    return copied;
}

std::span<const std::uint8_t> read_ahead_source::next_chunk()
{
    if (borrowed_) {
        borrowed_ = false;
        release_chunk();
    }
    chunk* c = wait_for_chunk();
    if (!c) return {};
    borrowed_ = true;
    return std::span<const std::uint8_t>(c->bytes.data() + offset_, c->size - offset_);
}

}  // namespace lading
