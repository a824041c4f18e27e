// What the mirror tests share: an upstream docker-registry behind a counting fault proxy,
// seeded with images pushed by the real `lading` binary, and the real `lading-mirror`
// binary started on a free port and stopped by PID.
#pragma once

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/registry_server.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading::test {

// An image pushed to the upstream: its manifest digest and its blobs (config and layers).
struct pushed_image {
    std::string manifest_digest;
    std::string config_digest;
    std::vector<std::string> layer_digests;
    std::map<std::string, std::uint64_t> sizes;  // digest -> bytes, of config and layers
};

// Pushes `layer_sizes.size()` layers of incompressible bytes (seeded by `seed`) as
// registry/repository:tag (uncompressed layers, so the blob sizes are the tar sizes), with
// the credentials of `docker_config` (a DOCKER_CONFIG directory) when given.
pushed_image push_image(const std::filesystem::path& work, const std::string& registry, const std::string& reference,
                        const std::vector<std::uint64_t>& layer_sizes, std::uint64_t seed,
                        const std::filesystem::path& docker_config = {});

// A docker-registry with a fault proxy in front: the mirror talks to the proxy, which counts.
class counted_upstream {
public:
    explicit counted_upstream(registry_options options = {});
    registry_server& registry() { return registry_; }
    fault_proxy& proxy() { return proxy_; }
    std::string url() const { return "http://" + proxy_.address(); }
    std::string address() const { return proxy_.address(); }
    // Requests with this method whose target contains `path_part` that reached the upstream.
    std::size_t requests(const std::string& method, const std::string& path_part) const;
    // GET requests for one blob that reached the upstream.
    std::size_t blob_gets(const std::string& digest) const { return requests("GET", "/blobs/" + digest); }

private:
    registry_server registry_;
    fault_proxy proxy_;
};

struct mirror_launch {
    std::vector<std::string> args{};  // after --listen and --cache
    std::map<std::string, std::optional<std::string>> env{};
    std::vector<std::string> prefix{};  // a command that execs the mirror, e.g. {"prlimit", "--nofile=64:64", "--"}
};

// lading-mirror on 127.0.0.1 and a free port, with its cache in `cache`; the constructor
// returns once it serves.
class mirror_process {
public:
    mirror_process(const std::filesystem::path& cache, mirror_launch launch);
    ~mirror_process();
    std::uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url() const { return "http://" + address(); }
    std::string log() const;
    // SIGTERM and wait; the exit status.
    process_result stop();
    void kill9();
    pid_t pid() const { return process_->pid(); }

private:
    temp_dir logs_;
    std::optional<child_process> process_;
    std::uint16_t port_ = 0;
};

std::filesystem::path lading_binary();
std::filesystem::path mirror_binary();

// Polls `condition` every 25 ms; FAILs the test after 10 s.
void wait_until(const std::function<bool()>& condition, const char* what);

// The code of the first error in a registry-style error body.
std::string error_code_of(const http_response& r);

// A value of the mirror's /metrics page.
std::uint64_t metric(const std::string& mirror_url, const std::string& name);

// `lading store check` on the cache: its output; REQUIREs exit 0 and "0 faults".
std::string require_clean_cache(const std::filesystem::path& cache);

// A containerd hosts directory (ctr --hosts-dir) whose hosts.toml for `upstream` (host:port,
// plain HTTP) names the mirror as a pull and resolve host; returns the directory.
std::filesystem::path write_mirror_hosts_dir(const std::filesystem::path& dir, const std::string& upstream,
                                             const std::string& mirror);

// skopeo copy docker://REF -> oci:DIR:latest over plain HTTP; REQUIREs success.
void skopeo_pull(const std::string& ref, const std::filesystem::path& dir,
                 const std::vector<std::string>& extra = {});

}  // namespace lading::test
