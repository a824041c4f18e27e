// A byte_source that tells how much of a blob has been read (and so sent) so far.
#pragma once

#include <lading/stream/byte_source.hpp>

#include <cstdint>
#include <functional>
#include <memory>

namespace lading::registry {

class progress_source : public byte_source {
public:
    // `on_read` gets the running total every `step` bytes, and once when the source ends or
    // `size` bytes were read, whichever comes first.
    progress_source(std::unique_ptr<byte_source> inner, std::uint64_t size, std::function<void(std::uint64_t)> on_read,
                    std::uint64_t step = 8u << 20)
        : inner_(std::move(inner)), size_(size), on_read_(std::move(on_read)), step_(step)
    {
    }

    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = inner_->read(buf);
        total_ += n;
        const bool finished = n == 0 || total_ >= size_;
        if (finished ? !ended_ : total_ - reported_ >= step_) {
            reported_ = total_;
            ended_ = finished;
            on_read_(total_);
        }
        return n;
    }

private:
    std::unique_ptr<byte_source> inner_;
    std::uint64_t size_;
    std::function<void(std::uint64_t)> on_read_;
    std::uint64_t step_;
    std::uint64_t total_ = 0;
    std::uint64_t reported_ = 0;
    bool ended_ = false;
};

}  // namespace lading::registry
