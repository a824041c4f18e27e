#include "registry/upload_requests.hpp"

#include <lading/error.hpp>
#include <lading/registry/errc.hpp>

namespace lading::registry {

boost::asio::awaitable<http_response> start_upload(session& s, const std::string& repository,
                                                   const std::vector<std::string>& scopes, const std::string& what)
{
    request_spec start;
    start.method = http::verb::post;
    start.target = "/v2/" + repository + "/blobs/uploads/";
    start.scopes = scopes;
    start.expected = {202};
    start.what = what;
    co_return co_await s.send(start);
}

url upload_location(const session& s, const http_response& r, const std::string& what)
{
    auto location = r.header(http::field::location);
    if (location.empty())
        throw error(errc::protocol_violation, "registry " + s.host() + " answered the " + what + " without a Location");
    auto u = s.base().resolve(location);
    if (!u.same_origin(s.base()))
        throw error(errc::protocol_violation, "registry " + s.host() + " sent the " + what + " to another host (" +
                                                  u.origin() + "); lading only uploads to the registry itself");
    return u;
}

std::string upload_commit_target(const url& location, const digest& d)
{
    return location.target + (location.target.find('?') == std::string::npos ? "?" : "&") +
           "digest=" + query_escape(d.str());
}

void check_committed_digest(const session& s, const http_response& r, const digest& d)
{
    auto echoed = r.header("Docker-Content-Digest");
    if (!echoed.empty() && echoed != d.str())
        throw error(errc::protocol_violation, "registry " + s.host() + " stored blob " + d.str() + " as " + echoed);
}

boost::asio::awaitable<void> commit_upload(session& s, const url& location, const digest& d,
                                           const std::vector<std::string>& scopes, const std::string& what)
{
    request_spec close;
    close.method = http::verb::put;
    close.target = upload_commit_target(location, d);
    close.scopes = scopes;
    close.expected = {201, 204};
    close.what = what;
    close.follow_redirects = false;
    check_committed_digest(s, co_await s.send(close), d);
}

}  // namespace lading::registry
