// Reads another source on a thread of its own, a few chunks ahead of the reader, so that
// producing the bytes (walking a tree, reading files, decompressing) overlaps with what
// the reader does with them (compressing). Memory: `chunks` buffers of `chunk_size` bytes.
#pragma once

#include <lading/stream/byte_source.hpp>

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lading {

class read_ahead_source : public byte_source {
public:
    // `inner` must outlive this source. `on_chunk` sees every chunk, in order, on the
    // reading thread (to hash the stream there); it must not throw.
    read_ahead_source(byte_source& inner, std::size_t chunk_size, std::size_t chunks,
                      std::function<void(std::span<const std::uint8_t>)> on_chunk = {});
    // Stops the reading thread (after the read it is in) and joins it.
    ~read_ahead_source() override;
    read_ahead_source(const read_ahead_source&) = delete;
    read_ahead_source& operator=(const read_ahead_source&) = delete;

    // Rethrows the inner source's error once the bytes before it were handed out.
    std::size_t read(std::span<std::uint8_t> buf) override;

    // The rest of the next filled chunk without a copy, valid until the next call to
    // next_chunk or read; empty at the end. Rethrows like read.
    std::span<const std::uint8_t> next_chunk();

private:
    struct chunk {
        std::vector<std::uint8_t> bytes;
        std::size_t size = 0;
    };
    void run();
    // Waits for a filled chunk; nullptr at the end. Rethrows the inner source's error.
    chunk* wait_for_chunk();
    void release_chunk();

    byte_source& inner_;
    std::function<void(std::span<const std::uint8_t>)> on_chunk_;
    std::vector<chunk> ring_;
    std::size_t filled_ = 0;    // chunks the thread has filled, in total
    std::size_t consumed_ = 0;  // chunks the reader has emptied, in total
    std::size_t offset_ = 0;    // bytes already handed out of the chunk being read
    bool borrowed_ = false;     // next_chunk handed out the chunk being read
    bool finished_ = false;     // the thread filled its last chunk
    bool stopping_ = false;
    std::exception_ptr failure_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::thread thread_;
};

}  // namespace lading
