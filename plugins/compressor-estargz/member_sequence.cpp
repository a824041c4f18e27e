#include "member_sequence.hpp"

#include <algorithm>
#include <stdexcept>

namespace lading::plugins::estargz {

namespace {
// A full 4 MiB chunk plus room for the padding and headers that follow it; members above
// this (long runs of headers, a huge TOC) are streamed instead of held in memory.
constexpr std::size_t buffered_member_cap = 5u << 20;
// Streamed output is handed on in pieces of about this size.
constexpr std::size_t streamed_piece = 1u << 20;
// Beyond this more threads only cost memory (each holds two members in flight).
constexpr unsigned max_workers = 16;
// Per worker: many small members (headers, small files), or one chunk-sized one; more does
// not make the workers busier, only the process larger.
constexpr gzip::pool_shape pool_per_worker{16, 3u << 20};
// Buffers for members of more than the pool recycles with its jobs all get this capacity (a
// chunk and what follows it, mostly), so that any of them can be reused for any other.
constexpr std::size_t large_buffer = (4u << 20) + (64u << 10);
}  // namespace

member_sequence::member_sequence(int level, unsigned threads)
    : pool_(level, std::clamp(threads, 1u, max_workers), pool_per_worker), stream_(level)
{
}

std::size_t member_sequence::open_member(std::size_t expected_size)
{
    close_member();
    open_ = true;
    make_room(std::min(expected_size, buffered_member_cap));
    return opened_++;
}

void member_sequence::write(std::span<const std::uint8_t> bytes)
{
    if (!open_) open_member();
    const std::size_t needed = content_.size() + bytes.size();
    // Streaming starts before the buffer would outgrow the cap, so it never holds more.
    if (!streaming_ && needed > buffered_member_cap) start_streaming();
    if (streaming_) {
        stream_.write(bytes, streamed_);
        if (streamed_.size() >= streamed_piece) queue_streamed();
        return;
    }
    make_room(needed);
    gzip::append(content_, bytes);
}

void member_sequence::make_room(std::size_t size)
{
    if (size <= content_.capacity()) return;
    // Members grow by doubling up to a quarter of a large buffer, then take a large buffer (at
    // most the cap: doubling would take a chunk-sized member's buffer to 8 MiB).
    std::size_t capacity = std::max(size, 2 * content_.capacity());
    if (capacity > large_buffer / 4) capacity = std::min(std::max(size, large_buffer), buffered_member_cap);
    pool_.make_room(content_, capacity);
}

void member_sequence::close_member()
{
    if (!open_) return;
    open_ = false;
    if (streaming_) {
        stream_.end(streamed_);
        queue_streamed();
        streaming_ = false;
        return;
    }
    if (pool_.full()) {
        gzip::byte_buffer oldest;
        pool_.pop(oldest, true);
        place(oldest);
    }
    pool_.submit(content_);
}

void member_sequence::write_raw(std::span<const std::uint8_t> bytes)
{
    close_member();
    collect(true);
    gzip::append(ready_.emplace_back(), bytes);
    queued_bytes_ += bytes.size();
}

void member_sequence::collect(bool wait)
{
    gzip::byte_buffer member;
    while (pool_.pop(member, wait)) place(member);
}

bool member_sequence::take_output(gzip::byte_buffer& out)
{
    if (ready_.empty()) return false;
    out.swap(ready_.front());
    ready_.pop_front();
    return true;
}

std::uint64_t member_sequence::offset_of(std::size_t member) const
{
    if (member >= offsets_.size()) throw std::logic_error("estargz: member offset asked before it is known");
    return offsets_[member];
}

void member_sequence::place(gzip::byte_buffer& member)
{
    offsets_.push_back(queued_bytes_);
    queued_bytes_ += member.size();
    ready_.push_back(std::move(member));
    member = {};
}

void member_sequence::start_streaming()
{
    // The streamed member's output goes straight out, so every earlier one must be out first.
    collect(true);
    offsets_.push_back(queued_bytes_);
    streaming_ = true;
    stream_.begin(streamed_);
    stream_.write(content_, streamed_);
    content_.clear();
    queue_streamed();
}

void member_sequence::queue_streamed()
{
    queued_bytes_ += streamed_.size();
    ready_.push_back(std::move(streamed_));
    streamed_ = {};
}

}  // namespace lading::plugins::estargz
