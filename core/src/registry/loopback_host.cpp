#include "registry/loopback_host.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/ip/address.hpp>

#include <algorithm>

namespace lading::registry {

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

}  // namespace

bool is_loopback_host(const std::string& host)
{
    const auto name = without_port(host);
    if (boost::algorithm::iequals(name, "localhost")) return true;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(name, ec);
    if (ec) return false;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback();
    return address.is_loopback();
}

}  // namespace lading::registry
