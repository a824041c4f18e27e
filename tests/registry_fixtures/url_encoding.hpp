// Percent-encoding and application/x-www-form-urlencoded, as the token protocol uses them
// (query strings of GET /token, form bodies of POST /token).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lading::test {

using query_params = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX and, for form data, '+' as a space. Malformed escapes are kept literally.
std::string percent_decode(std::string_view text, bool plus_is_space = true);
// Escapes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

// "a=1&b=2&a=3" -> {{a,1},{b,2},{a,3}} (order and repeats kept).
query_params parse_query(std::string_view query);
std::string encode_query(const query_params& params);

// All values of `name`, in order.
std::vector<std::string> query_values(const query_params& params, std::string_view name);
// The first value of `name`, or "" when absent.
std::string query_value(const query_params& params, std::string_view name);

}  // namespace lading::test
