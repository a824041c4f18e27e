#include "mirror/error_body.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <map>

namespace lading::mirror {

error_answer registry_error_answer(const std::string& code, const std::string& message, const std::string& detail)
{
    static const std::map<std::string, unsigned> statuses{
        {"BLOB_UNKNOWN", 404},      {"NOT_FOUND", 404},      {"MANIFEST_UNKNOWN", 404}, {"NAME_UNKNOWN", 404},
        {"NAME_INVALID", 400},      {"DIGEST_INVALID", 400},   {"TAG_INVALID", 400},
        {"PAGINATION_NUMBER_INVALID", 400}, {"RANGE_INVALID", 416}, {"UNAUTHORIZED", 401}, {"DENIED", 403},
        {"UNSUPPORTED", 405},       {"TOOMANYREQUESTS", 429},  {"UNAVAILABLE", 503},
    };
    auto found = statuses.find(code);
    boost::json::object e{{"code", code}, {"message", message}};
    e["detail"] = detail.empty() ? boost::json::value(nullptr) : boost::json::value(detail);
    boost::json::object doc{{"errors", boost::json::array{e}}};
    return {found == statuses.end() ? 500u : found->second, boost::json::serialize(doc)};
}

}  // namespace lading::mirror
