// A byte source that ends the work reading it once a stop is requested: long layer
// conversions stop within one buffer instead of running to their end.
#pragma once

#include <lading/error.hpp>
#include <lading/stream/byte_source.hpp>

#include <memory>
#include <stop_token>
#include <string>
#include <system_error>

namespace lading::convert {

// The error every stopped conversion throws.
inline error conversion_stopped(const std::string& what)
{
    return error(std::make_error_code(std::errc::operation_canceled), what + " was stopped");
}

class stoppable_source : public byte_source {
public:
    stoppable_source(std::unique_ptr<byte_source> inner, std::stop_token stop, std::string what)
        : inner_(std::move(inner)), stop_(std::move(stop)), what_(std::move(what))
    {
    }
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        if (stop_.stop_requested()) throw conversion_stopped(what_);
        return inner_->read(buf);
    }

private:
    std::unique_ptr<byte_source> inner_;
    std::stop_token stop_;
    std::string what_;
};

}  // namespace lading::convert
