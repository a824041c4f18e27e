// The Beast message types every fixture server and client speaks (whole bodies in memory:
// test blobs are small), and a response builder.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace lading::test {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// HTTP/1.1 response with Content-Type (when a body is given) and Content-Length set.
http_response make_response(boost::beast::http::status status, std::string body = {},
                            const std::string& content_type = "application/json");

}  // namespace lading::test
