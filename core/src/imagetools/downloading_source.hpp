// A blob read while it downloads: a thread of its own runs the download into a bounded queue
// that read() drains, so that a copy between registries streams the blob with bounded memory
// and no temporary file.
#pragma once

#include <lading/stream/byte_source.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lading::imagetools {

class downloading_source : public byte_source {
public:
    using chunk_sink = std::function<void(const std::uint8_t*, std::size_t)>;
    // `download` passes the blob to the sink it is given, in order, and throws on failure
    // (that failure comes out of read()). It runs on the source's own thread.
    explicit downloading_source(std::function<void(const chunk_sink&)> download, std::size_t max_queued = 4 << 20);
    // Stops a download still under way (its sink throws) and waits for the thread.
    ~downloading_source() override;
    downloading_source(const downloading_source&) = delete;
    downloading_source& operator=(const downloading_source&) = delete;

    std::size_t read(std::span<std::uint8_t> buf) override;

private:
    void accept(const std::uint8_t* p, std::size_t n);

    const std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<std::uint8_t>> chunks_;
    std::size_t queued_ = 0, offset_ = 0;  // bytes queued; read position in the front chunk
    bool finished_ = false, abandoned_ = false;
    std::exception_ptr failure_;
    std::thread thread_;
};

}  // namespace lading::imagetools
