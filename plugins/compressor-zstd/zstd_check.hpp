// Turning libzstd's size_t error codes into exceptions.
#pragma once

#include <cstddef>

namespace lading::plugins::zstd {

// Returns result, or throws "zstd: <what>: <libzstd's reason>" when it is an error code.
std::size_t check(std::size_t result, const char* what);

}  // namespace lading::plugins::zstd
