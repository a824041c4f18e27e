// nginx in front of a registry, as sites put one there: it passes every request on and
// refuses a request body over client_max_body_size with 413 (nginx's own default is 1m).
// Debian's `nginx` runs in the foreground as one process, from its own temp dir, on
// 127.0.0.1 and a free port, and is stopped by PID. Its access log tells, for each request
// it finished, the method, status, request length and Content-Range.
#pragma once

#include "common/process.hpp"
#include "common/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lading::test {

struct nginx_front_options {
    std::string client_max_body_size = "1m";
    // Sent as OCI-Chunk-Min-Length on every answer when set: the least chunk the registry
    // behind asks clients for (the distribution spec's header on the answer to an upload's POST).
    std::optional<std::uint64_t> chunk_min_length{};
};

struct nginx_request {
    std::string method;
    unsigned status = 0;
    std::uint64_t length = 0;  // the whole request: line, headers and body
    std::string content_range;  // "-" when there was none
};

class nginx_front {
public:
    // `upstream`: the registry's "127.0.0.1:PORT". Throws std::runtime_error (naming the
    // Debian package when nginx is missing, with nginx's error log when it does not start).
    explicit nginx_front(const std::string& upstream, nginx_front_options options = {});
    ~nginx_front();
    nginx_front(const nginx_front&) = delete;
    nginx_front& operator=(const nginx_front&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const;  // "127.0.0.1:PORT", the registry part of an image name
    std::vector<nginx_request> requests() const;
    void forget_requests();

private:
    void write_config(const std::string& upstream);

    temp_dir dir_;
    nginx_front_options options_;
    std::uint16_t port_ = 0;
    std::optional<child_process> server_;
};

}  // namespace lading::test
