#include <lading/error.hpp>
#include "registry/percent_encode.hpp"
#include "registry/url.hpp"

namespace lading::registry {

url url::parse(std::string_view text)
{
    url u;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) throw error("\"" + std::string(text) + "\" is not an absolute URL");
    u.scheme = std::string(text.substr(0, sep));
    for (auto& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u.scheme != "http" && u.scheme != "https")
        throw error("\"" + std::string(text) + "\" is not an http or https URL");
    auto rest = text.substr(sep + 3);
    auto slash = rest.find_first_of("/?");
    auto authority = rest.substr(0, slash);
    u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (u.target.front() == '?') u.target = "/" + u.target;
    if (authority.find('@') != std::string_view::npos)
        throw error("URL \"" + std::string(text) + "\" carries user information, which lading refuses");
    if (authority.starts_with("[")) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw error("URL \"" + std::string(text) + "\" has a bad IPv6 host");
        u.host = std::string(authority.substr(1, close - 1));
        auto after = authority.substr(close + 1);
        if (after.starts_with(":")) u.port = std::string(after.substr(1));
    } else {
        auto colon = authority.rfind(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) u.port = std::string(authority.substr(colon + 1));
    }
    if (u.host.empty()) throw error("URL \"" + std::string(text) + "\" has no host");
    for (char c : u.port)
        if (c < '0' || c > '9') throw error("URL \"" + std::string(text) + "\" has a bad port");
    if (u.port.empty()) u.port = u.scheme == "https" ? "443" : "80";
    return u;
}

url url::resolve(std::string_view location) const
{
    if (location.find("://") != std::string_view::npos) return parse(location);
    url u = *this;
    if (location.starts_with("//")) return parse(scheme + ":" + std::string(location));
    if (!location.starts_with("/")) throw error("unsupported relative Location \"" + std::string(location) + "\"");
    u.target = std::string(location);
    return u;
}

std::string url::host_port() const
{
    bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::string url::origin() const { return scheme + "://" + host_port(); }
std::string url::str() const { return origin() + target; }

std::string query_escape(std::string_view value)
{
    return percent_encode(value, "");
}

}  // namespace lading::registry
