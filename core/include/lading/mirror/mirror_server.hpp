// lading-mirror's server, for programs that embed it: a pull-through registry mirror serving
// the read side of the OCI distribution spec from a content-addressed cache in a store plugin,
// filled from one or more upstream registries through lading's registry client.
//
// Threading: everything runs on one strand of the executor given at construction (the
// embedder's io_context, run by any number of threads). The server installs no signal
// handlers. stop() may be called from any thread.
// Lifetime: destroy the server only after its executor has run out of work (after stop(),
// the io_context's run() returns once in-flight requests and downloads have finished).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading {
struct host_config;
}
namespace lading::plugin {
class catalog;
}

namespace lading::mirror {

struct upstream_config {
    std::string name;  // how clients name it: containerd's ns=, a /v2/NAME/... prefix
    std::string url;   // http(s)://host[:port]
};

struct variant_config {
    std::string compression;  // a compressor plugin: zstd, estargz, gzip, uncompressed
    std::string suffix;       // tag suffix, "-zstd" by default
};

struct server_options {
    std::string listen = "127.0.0.1:5000";  // host:port; port 0 picks a free one
    std::vector<upstream_config> upstreams;  // the first is the default
    std::filesystem::path cache;             // store location
    std::string store_backend = "oci-layout";
    std::chrono::seconds tag_ttl{300};
    std::optional<std::uint64_t> max_size;  // bytes of blobs kept; least recently used go first
    std::filesystem::path tls_cert, tls_key;  // both or neither
    std::filesystem::path htpasswd;           // client Basic auth (bcrypt and crypt(3) hashes)
    std::vector<variant_config> variants;
    // Access-log lines and notes (stale answers, failures), one per call, without newline.
    std::function<void(std::string_view)> log;
    const lading::host_config* hosts = nullptr;  // certs.d, insecure registries
};

class server {
public:
    // Opens the cache and binds the listening socket; throws lading::error (bad option,
    // address in use, unreadable TLS files) with one line saying what is wrong.
    server(boost::asio::any_io_executor ex, plugin::catalog& plugins, server_options options);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Starts accepting connections.
    void start();
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    // Stops accepting; open connections end after the request they are answering, and
    // downloads under way finish.
    void stop();
    // The /metrics page (Prometheus text format).
    std::string metrics_text() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace lading::mirror
