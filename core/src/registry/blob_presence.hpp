// Whether a repository already holds a blob, asked before a layer is streamed to it.
#pragma once

#include "registry/session.hpp"
#include "registry/upload_target.hpp"
#include <lading/oci/digest.hpp>

#include <stop_token>

namespace lading::registry {

// The HEAD that asks whether `repository` holds blob d: 200 yes, 404 no.
request_spec blob_head_request(const std::string& repository, const digest& d);

// Whether the answer to that HEAD says the repository holds the blob of `size` bytes: a 200
// whose Content-Length, when it gives one, is that size (any other length is a registry that
// holds something else under the digest, or a front that answers for it: not trusted).
bool holds_blob(const http_response& head, std::uint64_t size);

// One HEAD of the blob in `target`'s repository, through a session like the push's (same
// credentials, host settings and TLS), with a single attempt: any failure (unreachable,
// refused, an unexpected status) answers false, so the caller streams the layer as usual.
bool repository_has_blob(const upload_target& target, const digest& d, std::uint64_t size, std::stop_token stop);

}  // namespace lading::registry
