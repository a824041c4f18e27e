// The distribution spec's error answers: a status and {"errors":[{"code","message","detail"}]}.
#pragma once

#include <string>

namespace lading::mirror {

struct error_answer {
    unsigned status;
    std::string body;
};

// code: NOT_FOUND, BLOB_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN, NAME_INVALID, DIGEST_INVALID,
// TAG_INVALID, PAGINATION_NUMBER_INVALID, RANGE_INVALID, UNAUTHORIZED, DENIED, UNSUPPORTED,
// TOOMANYREQUESTS, UNAVAILABLE, UNKNOWN.
error_answer registry_error_answer(const std::string& code, const std::string& message, const std::string& detail = {});

}  // namespace lading::mirror
