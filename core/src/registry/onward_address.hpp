// Where a registry may send lading on to: its token realm, which receives the user's
// credentials, and the targets of its redirects. No further inside than the registry itself
// (a public registry pointing at this machine or its private network is request forgery),
// and never to a link-local address (cloud metadata services answer there) but on the
// registry's own host. Judged from the texts when a realm is read, and again from the
// addresses names resolve to when lading connects, so that a name cannot stand in for an
// address it would have been refused.
#pragma once

#include "registry/host_address.hpp"

#include <optional>
#include <string>

namespace lading::registry {

// True when a host of reach `target` is further inside than a registry of reach `registry`.
bool further_inside(host_reach target, host_reach registry);

// Why lading may not connect to `address`, which `target_host` resolved to, when the registry
// at `registry_host` sent it there; `registry_reach` is the furthest inside the registry
// itself is known to be (its host's text and the addresses lading reached it at). Nothing
// when lading may.
std::optional<std::string> onward_refusal(const std::string& registry_host, host_reach registry_reach,
                                          const std::string& target_host, const boost::asio::ip::address& address);

}  // namespace lading::registry
