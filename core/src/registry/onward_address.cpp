#include "registry/onward_address.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace lading::registry {

bool further_inside(host_reach target, host_reach registry)
{
    if (target == host_reach::link_local) return true;
    return static_cast<int>(target) > static_cast<int>(registry);
}

std::optional<std::string> onward_refusal(const std::string& registry_host, host_reach registry_reach,
                                          const std::string& target_host, const boost::asio::ip::address& address)
{
    if (boost::algorithm::iequals(target_host, registry_host)) return std::nullopt;
    if (!further_inside(reach_of(address), registry_reach)) return std::nullopt;
    return "registry " + registry_host + " sent lading to " + target_host + ", which resolves to " +
           address.to_string() + " on a network the registry is not on; refusing to connect there";
}

}  // namespace lading::registry
