#include "registry_fixtures/redirecting_front.hpp"

#include <regex>

#include "registry_fixtures/http_client.hpp"

namespace lading::test {

namespace http = boost::beast::http;

namespace {

// /v2/<name>/blobs/<algorithm>:<encoded> (an upload path has "uploads/" instead).
const std::regex blob_path(R"(^/v2/(.+)/blobs/([A-Za-z0-9_+.-]+:[A-Za-z0-9=_-]+)$)");

void strip_hop_by_hop(http::fields& f) {
    for (auto field : {http::field::connection, http::field::keep_alive, http::field::proxy_authenticate,
                       http::field::proxy_authorization, http::field::te, http::field::trailer,
                       http::field::transfer_encoding, http::field::upgrade, http::field::expect})
        f.erase(field);
}

}  // namespace

redirecting_front::redirecting_front(std::string registry_host, std::uint16_t registry_port,
                                     redirecting_front_options options)
    : registry_host_(std::move(registry_host)),
      registry_port_(registry_port),
      options_(std::move(options)),
      blob_host_(options_.tls),
      server_([this](http_request req) { return handle(std::move(req)); },
              http_server_options{options_.tls}) {}

redirecting_front::~redirecting_front() { server_.stop(); }

boost::asio::awaitable<http_response> redirecting_front::handle(http_request req) {
    recorder_.record(req);
    const std::string path(req.target().substr(0, req.target().find('?')));
    std::smatch m;
    const bool head = req.method() == http::verb::head;
    const bool redirectable = (req.method() == http::verb::get || (head && options_.redirect_head)) &&
                              std::regex_match(path, m, blob_path);
    const std::string digest = redirectable ? m[2].str() : std::string();

    strip_hop_by_hop(req);
    if (options_.tls) req.set("X-Forwarded-Proto", "https");
    if (redirectable) req.method(http::verb::get);
    http_response res = co_await async_http_exchange(registry_host_, registry_port_, std::move(req), nullptr,
                                                     options_.upstream_timeout);
    strip_hop_by_hop(res);

    if (redirectable && res.result() == http::status::ok) {
        std::string location_path = "/blob/" + digest;
        std::string content_type(res[http::field::content_type]);
        blob_host_.serve(location_path, std::move(res.body()),
                         content_type.empty() ? "application/octet-stream" : content_type);
        ++redirects_;
        http_response redirect{static_cast<http::status>(options_.redirect_status), 11};
        redirect.set(http::field::location, blob_host_.url(location_path));
        redirect.set("Docker-Distribution-Api-Version", "registry/2.0");
        redirect.content_length(0);
        co_return redirect;
    }
    if (head) res.body().clear();  // a GET made for a HEAD: keep the headers only
    co_return res;
}

}  // namespace lading::test
