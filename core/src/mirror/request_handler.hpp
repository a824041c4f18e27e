// Answers one request of the distribution spec's read side (and /metrics) from the caches,
// choosing the upstream by ns= or path prefix. Writes are refused with 405 UNSUPPORTED.
// Threading: on the mirror's strand only.
#pragma once

#include "mirror/blob_cache.hpp"
#include "mirror/htpasswd_file.hpp"
#include "mirror/manifest_cache.hpp"
#include "mirror/mirror_metrics.hpp"
#include "mirror/reply.hpp"
#include "mirror/repository_holdings.hpp"
#include "mirror/route.hpp"
#include "mirror/upstream.hpp"
#include "mirror/variant_tags.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace lading::mirror {

using request_head = boost::beast::http::request<boost::beast::http::empty_body>;

class request_handler {
public:
    request_handler(std::map<std::string, std::unique_ptr<upstream>>& upstreams, upstream& fallback,
                    blob_cache& blobs, manifest_cache& manifests, repository_holdings& holdings,
                    mirror_metrics& metrics, htpasswd_file* users, variant_tags* variants);

    boost::asio::awaitable<reply> handle(const request_head& req);

private:
    boost::asio::awaitable<reply> manifest(const request_head& req, upstream& from, const route& r);
    boost::asio::awaitable<reply> blob(const request_head& req, upstream& from, const route& r);
    boost::asio::awaitable<reply> tags(const request_head& req, upstream& from, const route& r);
    boost::asio::awaitable<reply> referrers(upstream& from, const route& r);
    reply failure(const std::exception_ptr& e, endpoint kind);

    std::map<std::string, std::unique_ptr<upstream>>& upstreams_;
    upstream& fallback_;
    blob_cache& blobs_;
    manifest_cache& manifests_;
    repository_holdings& holdings_;
    mirror_metrics& metrics_;
    htpasswd_file* users_;
    variant_tags* variants_;
};

}  // namespace lading::mirror
