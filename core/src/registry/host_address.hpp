// What a registry or token-server host[:port] names, read from the text alone: this machine's
// loopback (the registries that docker and lading let fall back to plain HTTP without
// registry.insecure), a private network, a link-local address, or anything else. Names are
// never resolved: 127.evil.example or 127.0.0.1.nip.io are names, not addresses.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <string>

namespace lading::registry {

// True for `localhost` and for literal loopback addresses: IPv4 127.0.0.0/8, IPv6 ::1 and
// the IPv4-mapped ::ffff:127.x.y.z (it reaches the same IPv4 loopback), each with or
// without a port; IPv6 with a port must be bracketed ([::1]:5000).
bool is_loopback_host(const std::string& host);

// How far inside a host is, for deciding where a registry may send lading on (its token
// realm): a public registry has no business pointing at this machine or its network.
enum class host_reach {
    outside,          // a name or a public address
    private_network,  // 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7
    this_machine,     // loopback, localhost, the unspecified address (0.0.0.0, ::)
    link_local,       // 169.254/16, fe80::/10: cloud metadata services live there
};
host_reach reach_of(const std::string& host);
// The same for an address a name resolved to (IPv4-mapped IPv6 as the IPv4 address).
host_reach reach_of(const boost::asio::ip::address& address);

}  // namespace lading::registry
