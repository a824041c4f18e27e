// What every fuzz target shares: the input as text, and the one kind of failure a parser
// may answer bad input with. Anything else escaping a parser (another exception, a crash,
// a sanitizer report) is a finding.
#pragma once

#include <lading/error.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace lading::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

inline std::span<const std::uint8_t> as_bytes(const std::uint8_t* data, std::size_t size) { return {data, size}; }

// Runs parse(); a lading::error is the documented answer to bad input.
template <typename F>
void expect_clean_rejection(F&& parse)
{
    try {
        parse();
    } catch (const lading::error&) {
    }
}

}  // namespace lading::fuzz
