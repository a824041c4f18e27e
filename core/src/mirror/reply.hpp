// What the mirror answers to one request: a status, headers and either a small body or a
// range of a blob that the connection streams.
#pragma once

#include "mirror/blob_cache.hpp"
#include "mirror/error_body.hpp"

#include <boost/beast/http/fields.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace lading::mirror {

struct reply {
    unsigned status = 200;
    boost::beast::http::fields headers;
    std::string body;
    std::optional<blob_handle> blob;  // when set, the body is blob bytes first .. first+length
    std::uint64_t first = 0, length = 0;
    bool length_only = false;  // a HEAD answer about a blob: `length` is announced, nothing is sent

    std::uint64_t content_length() const { return blob || length_only ? length : body.size(); }
};

inline reply error_reply(const std::string& code, const std::string& message, const std::string& detail = {})
{
    auto e = registry_error_answer(code, message, detail);
    reply r;
    r.status = e.status;
    r.headers.set(boost::beast::http::field::content_type, "application/json");
    r.body = std::move(e.body);
    return r;
}

}  // namespace lading::mirror
