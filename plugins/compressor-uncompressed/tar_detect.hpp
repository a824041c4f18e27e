// Recognising an uncompressed tar stream by its first header block.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lading::plugins::uncompressed {

// True when head holds a tar header carrying the POSIX "ustar" magic (GNU tar's
// "ustar  " variant included).
bool looks_like_tar(const std::uint8_t* head, std::size_t len);

}  // namespace lading::plugins::uncompressed
