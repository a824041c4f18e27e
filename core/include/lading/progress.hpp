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

    // Registry pushes, per config or layer blob of the image named `target`. Every started
    // blob ends with blob_push_done unless the push fails. Manifests are reported with step().
    enum class blob_push_outcome { uploaded, mounted, already_there };
    virtual void blob_push_started(std::string_view /*target*/, const digest& /*blob*/, std::uint64_t /*size*/) {}
    // Bytes of the blob sent so far in the current upload attempt (a retried upload starts at 0).
    virtual void blob_push_progress(std::string_view /*target*/, const digest& /*blob*/, std::uint64_t /*sent*/,
                                    std::uint64_t /*size*/)
    {
    }
    virtual void blob_push_done(std::string_view /*target*/, const digest& /*blob*/, std::uint64_t /*size*/,
                                blob_push_outcome /*how*/)
    {
    }
};

}  // namespace lading
