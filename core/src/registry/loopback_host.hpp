// Whether a registry host[:port] names this machine's loopback interface, the registries
// that docker (and lading) let fall back to plain HTTP without registry.insecure.
#pragma once

#include <string>

namespace lading::registry {

// True for `localhost` and for literal loopback addresses: IPv4 127.0.0.0/8, IPv6 ::1 and
// the IPv4-mapped ::ffff:127.x.y.z (it reaches the same IPv4 loopback), each with or
// without a port; IPv6 with a port must be bracketed ([::1]:5000). Names are never
// resolved: 127.evil.example or 127.0.0.1.nip.io are names, not addresses, so false.
bool is_loopback_host(const std::string& host);

}  // namespace lading::registry
