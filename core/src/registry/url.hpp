// Absolute http(s) URLs as the registry protocol uses them (Location, realm, endpoints).
#pragma once

#include <string>
#include <string_view>

namespace lading::registry {

struct url {
    std::string scheme;  // "http" or "https"
    std::string host;    // without brackets for IPv6
    std::string port;    // always set: explicit, or 80/443 from the scheme
    std::string target;  // path and query, starting with '/'

    // Throws lading::error for anything that is not an absolute http(s) URL.
    static url parse(std::string_view text);
    // Resolves a Location header against this URL (absolute, or absolute-path reference).
    url resolve(std::string_view location) const;

    std::string host_port() const;  // "host:port", brackets added for IPv6
    std::string origin() const;     // scheme://host:port, the unit credentials are bound to
    std::string str() const;
    bool same_origin(const url& other) const { return origin() == other.origin(); }
};

// Percent-encodes a query parameter value.
std::string query_escape(std::string_view value);

}  // namespace lading::registry
