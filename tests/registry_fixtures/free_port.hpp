// A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read the port the kernel
// chose, close. Another process can take it before the caller binds it; servers started by
// the fixtures retry with a new port when their listen fails.
#pragma once

#include <cstdint>

namespace lading::test {

// Throws std::system_error when no socket can be bound.
std::uint16_t free_port();

}  // namespace lading::test
