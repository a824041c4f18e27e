// A tiny HTTP(S) server that serves bodies registered by path (GET and HEAD, 404 otherwise)
// and records every request with its headers: the "other host" a registry redirects blob
// downloads to, where a client must not send the registry's credentials.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "registry_fixtures/header_recorder.hpp"
#include "registry_fixtures/http_server.hpp"

namespace lading::test {

class recording_server {
public:
    explicit recording_server(std::optional<tls_files> tls = std::nullopt);
    ~recording_server();

    // Serves `body` at `path` ("/blob/sha256:..."); replaces an earlier body.
    void serve(const std::string& path, std::string body,
               std::string content_type = "application/octet-stream");
    std::string url(const std::string& path) const;  // base URL + path
    std::uint16_t port() const { return server_.port(); }
    std::string address() const { return server_.address(); }

    const header_recorder& recorder() const { return recorder_; }
    std::vector<recorded_request> requests() const { return recorder_.requests(); }

private:
    struct resource {
        std::string body;
        std::string content_type;
    };
    http_response respond(const http_request& req);

    header_recorder recorder_;
    mutable std::mutex mutex_;
    std::map<std::string, resource> resources_;
    http_server server_;  // last: stopped first, before the state its handler uses
};

}  // namespace lading::test
