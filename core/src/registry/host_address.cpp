#include "registry/host_address.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <optional>

namespace lading::registry {

namespace asio = boost::asio;

namespace {

// host[:port] without the port and IPv6 brackets; an unbracketed IPv6 address (several
// colons) is taken whole, since its last colon is not a port separator.
std::string without_port(const std::string& host)
{
    if (host.starts_with('[')) {
        auto close = host.find(']');
        return close == std::string::npos ? std::string() : host.substr(1, close - 1);
    }
    if (std::count(host.begin(), host.end(), ':') == 1) return host.substr(0, host.find(':'));
    return host;
}

asio::ip::address unmapped(const asio::ip::address& address)
{
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    return address;
}

// The literal address a host names, IPv4-mapped IPv6 as the IPv4 address it reaches.
std::optional<asio::ip::address> literal_address(const std::string& host)
{
    boost::system::error_code ec;
    auto address = asio::ip::make_address(without_port(host), ec);
    if (ec) return std::nullopt;
    return unmapped(address);
}

bool in_v4(const asio::ip::address_v4& a, std::uint32_t network, int prefix)
{
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (a.to_uint() & mask) == network;
}

host_reach reach_of_v4(const asio::ip::address_v4& a)
{
    if (a.is_loopback() || a.is_unspecified()) return host_reach::this_machine;
    if (in_v4(a, 0xA9FE0000, 16)) return host_reach::link_local;  // 169.254/16
    if (in_v4(a, 0x0A000000, 8) || in_v4(a, 0xAC100000, 12) || in_v4(a, 0xC0A80000, 16) ||
        in_v4(a, 0x64400000, 10))  // 10/8, 172.16/12, 192.168/16, carrier-grade NAT 100.64/10
        return host_reach::private_network;
    return host_reach::outside;
}

host_reach reach_of_v6(const asio::ip::address_v6& a)
{
    if (a.is_loopback() || a.is_unspecified()) return host_reach::this_machine;
    if (a.is_link_local()) return host_reach::link_local;
    if ((a.to_bytes()[0] & 0xFE) == 0xFC) return host_reach::private_network;  // unique local fc00::/7
    return host_reach::outside;
}

}  // namespace

bool is_loopback_host(const std::string& host)
{
    if (boost::algorithm::iequals(without_port(host), "localhost")) return true;
    auto address = literal_address(host);
    return address && address->is_loopback();
}

host_reach reach_of(const std::string& host)
{
    if (boost::algorithm::iequals(without_port(host), "localhost")) return host_reach::this_machine;
    auto address = literal_address(host);
    return address ? reach_of(*address) : host_reach::outside;
}

host_reach reach_of(const asio::ip::address& address)
{
    auto a = unmapped(address);
    return a.is_v4() ? reach_of_v4(a.to_v4()) : reach_of_v6(a.to_v6());
}

}  // namespace lading::registry
