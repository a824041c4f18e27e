// A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read the port the kernel
// chose, close. Another process can take it before the caller binds it: registry_server
// retries with a new port when that happens, and the in-process servers bind port 0 directly.
#pragma once

#include <cstdint>

namespace lading::test {

// Throws std::system_error when no socket can be bound.
std::uint16_t free_port();

// Whether a server listens on 127.0.0.1:port now (a connection to it is accepted).
bool accepts_connections(std::uint16_t port);

}  // namespace lading::test
