// The requests every blob upload makes, whatever carries its bytes (one PUT, one streamed
// PATCH, PATCHes of one chunk each): opening it, following its Location, ending it with the
// blob's digest.
#pragma once

#include "registry/session.hpp"
#include <lading/oci/digest.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace lading::registry {

// Opens an upload to `repository`: POST /v2/REPOSITORY/blobs/uploads/, answered 202.
boost::asio::awaitable<http_response> start_upload(session& s, const std::string& repository,
                                                   const std::vector<std::string>& scopes, const std::string& what);

// Where the registry wants the next request of an upload, from the Location it answered to
// `what`: resolved against its base; one on another origin is refused.
url upload_location(const session& s, const http_response& r, const std::string& what);

// The target of the PUT that ends the upload at `location` as the blob `d`.
std::string upload_commit_target(const url& location, const digest& d);

// Throws lading::error (errc::protocol_violation) when the registry's answer to that PUT
// names another digest than `d`.
void check_committed_digest(const session& s, const http_response& r, const digest& d);

// Ends the upload at `location`, all of whose bytes were sent, as the blob `d`: a PUT with
// its digest and no body, answered 201 or 204.
boost::asio::awaitable<void> commit_upload(session& s, const url& location, const digest& d,
                                           const std::vector<std::string>& scopes, const std::string& what);

}  // namespace lading::registry
