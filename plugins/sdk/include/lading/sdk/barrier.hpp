// The exception barrier every C entry point of a plugin goes through.
#pragma once

#include <cstddef>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

namespace lading::sdk {

// Copies a message into a caller's fixed buffer, always NUL-terminated.
inline void copy_error(std::string_view message, char* out, std::size_t out_len) noexcept
{
    if (out == nullptr || out_len == 0) return;
    std::size_t n = message.size() < out_len - 1 ? message.size() : out_len - 1;
    std::memcpy(out, message.data(), n);
    out[n] = '\0';
}

// Not noexcept: building the string can throw bad_alloc, which barrier() must be able to
// swallow instead of terminating the host.
inline std::string current_exception_message()
{
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error in plugin";
    }
}

// Runs body(); any exception becomes on_error(message) and `failed` is returned.
template <class R, class Body, class OnError>
R barrier(R failed, Body&& body, OnError&& on_error) noexcept
{
    try {
        return body();
    } catch (...) {
        try {
            on_error(current_exception_message());
        } catch (...) {
        }
        return failed;
    }
}

}  // namespace lading::sdk
