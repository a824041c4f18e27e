#include "registry_fixtures/http_types.hpp"

namespace lading::test {

namespace http = boost::beast::http;

http_response make_response(http::status status, std::string body, const std::string& content_type) {
    http_response res{status, 11};
    if (!body.empty()) res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace lading::test
