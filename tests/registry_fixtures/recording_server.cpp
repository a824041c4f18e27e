#include "registry_fixtures/recording_server.hpp"

namespace lading::test {

namespace http = boost::beast::http;

recording_server::recording_server(std::optional<tls_files> tls)
    : server_([this](http_request req) -> boost::asio::awaitable<http_response> { co_return respond(req); },
              http_server_options{std::move(tls)}) {}

recording_server::~recording_server() { server_.stop(); }

void recording_server::serve(const std::string& path, std::string body, std::string content_type) {
    std::lock_guard lock(mutex_);
    resources_[path] = {std::move(body), std::move(content_type)};
}

std::string recording_server::url(const std::string& path) const { return server_.base_url() + path; }

http_response recording_server::respond(const http_request& req) {
    recorder_.record(req);
    if (req.method() != http::verb::get && req.method() != http::verb::head)
        return make_response(http::status::method_not_allowed);
    std::string path(req.target().substr(0, req.target().find('?')));
    std::lock_guard lock(mutex_);
    auto it = resources_.find(path);
    if (it == resources_.end()) return make_response(http::status::not_found, "not found\n", "text/plain");
    http_response res = make_response(http::status::ok, it->second.body, it->second.content_type);
    if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays
    return res;
}

}  // namespace lading::test
