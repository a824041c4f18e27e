// The blob as an ordered sequence of gzip members. A member's content is buffered and
// compressed whole (in parallel with later members) unless it outgrows a cap; then the
// members before it are finished and it is streamed through zlib. Which path a member
// takes depends only on its size, so the bytes never depend on threads or input slicing.
#pragma once

#include "member_pool.hpp"
#include "member_stream.hpp"

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace lading::plugins::estargz {

class member_sequence {
public:
    member_sequence(int level, unsigned threads);

    // Closes the open member, if any, and opens the next one; returns its ordinal.
    // expected_size: the bytes it will likely hold, so its buffer is made that big at once.
    std::size_t open_member(std::size_t expected_size = 0);
    // Appends to the open member, opening one when none is.
    void write(std::span<const std::uint8_t> bytes);
    void close_member();
    // Bytes outside any member (the footer), after everything written so far.
    void write_raw(std::span<const std::uint8_t> bytes);

    // Queues the output of members that are finished; with wait, of all of them.
    void collect(bool wait);
    // The next queued piece of the blob, in order; false when none is queued.
    bool take_output(gzip::byte_buffer& out);

    // Blob offset of a member whose output (or, when streamed, whose start) is queued.
    std::uint64_t offset_of(std::size_t member) const;

private:
    void make_room(std::size_t size);
    void place(gzip::byte_buffer& member);
    void start_streaming();
    void queue_streamed();

    gzip::member_pool pool_;
    member_stream stream_;
    bool open_ = false;
    bool streaming_ = false;
    std::size_t opened_ = 0;
    gzip::byte_buffer content_;  // of the open member while buffered
    gzip::byte_buffer streamed_;  // output of the streamed member not yet queued
    std::deque<gzip::byte_buffer> ready_;
    std::vector<std::uint64_t> offsets_;  // by ordinal, once known
    std::uint64_t queued_bytes_ = 0;  // blob bytes queued so far
};

}  // namespace lading::plugins::estargz
