// What an export reports while it runs; hosts render it (terminal, plain lines, JSON).
#pragma once

#include <lading/oci/digest.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lading {

class progress_listener {
public:
    virtual ~progress_listener() = default;
    // Calls may come from several threads at once.
    virtual void layer_started(std::size_t /*id*/, std::string_view /*label*/) {}
    virtual void layer_progress(std::size_t /*id*/, std::uint64_t /*bytes_in*/, std::uint64_t /*bytes_out*/) {}
    virtual void layer_done(std::size_t /*id*/, const digest& /*blob*/, std::uint64_t /*size*/) {}
    virtual void step(std::string_view /*message*/) {}
};

}  // namespace lading
