// A real registry for integration tests: Debian's `docker-registry` (distribution 2.8) run as
// `docker-registry serve CONFIG` from its own temp dir, on 127.0.0.1 and a free port, with
// filesystem storage in that dir, deletes enabled, warn-level logs (plus the access log)
// going to a log file, and optionally TLS and htpasswd or token auth. The constructor
// returns once `GET /v2/` gets any HTTP answer, and throws with the end of the log when the
// registry exits or does not answer within startup_timeout. The destructor stops it by PID
// (SIGTERM, then SIGKILL).
//
// distribution 2.8 silently ignores unknown config keys; the keys written here were checked
// by behaviour (see fixtures_selftest.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/tls_files.hpp"

namespace lading::test {

struct htpasswd_auth {
    std::string realm = "lading-test-registry";
    std::map<std::string, std::string> users{};  // user -> password (stored with `htpasswd -B`)
};

struct token_auth {
    std::string realm{};    // token_server::realm()
    std::string service{};  // token_server::service()
    std::string issuer{};   // token_server::issuer()
    // Certificates the token signatures must chain to: test_ca::ca_certificate() is enough
    // for x5c tokens; kid tokens need the signing certificate itself
    // (test_ca::token_root_bundle() has both).
    std::filesystem::path root_cert_bundle{};
};

struct registry_options {
    std::optional<tls_files> tls{};           // serve HTTPS (test_ca::server())
    // With TLS: require a client certificate signed by one of these CAs (http.tls.clientcas).
    std::vector<std::filesystem::path> client_cas{};
    std::optional<htpasswd_auth> htpasswd{};  // at most one of htpasswd and token
    std::optional<token_auth> token{};
    bool delete_enabled = true;
    bool access_log = true;
    std::string log_level = "warn";
    std::chrono::seconds startup_timeout{15};
};

class registry_server {
public:
    // Throws std::runtime_error (naming the Debian package when a program is missing).
    explicit registry_server(registry_options options = {});
    ~registry_server();
    registry_server(const registry_server&) = delete;
    registry_server& operator=(const registry_server&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const;   // "127.0.0.1:PORT", the registry part of an image name
    std::string base_url() const;  // "http://127.0.0.1:PORT" or "https://..."
    bool uses_tls() const { return options_.tls.has_value(); }

    const std::filesystem::path& root_dir() const { return root_; }  // storage rootdirectory
    const std::filesystem::path& config_file() const { return config_; }
    const std::filesystem::path& log_file() const { return log_; }
    std::string log_tail(std::size_t bytes = 4000) const;

    // Blobs in storage: files <root>/docker/registry/v2/blobs/<alg>/<xx>/<hex>/data. The
    // registry stores every pushed manifest there as well.
    std::size_t blob_count() const;
    bool has_blob(const std::string& digest) const;  // "sha256:<hex>"
    // Repositories that have a _manifests dir (something was pushed or mounted there).
    std::vector<std::string> repositories() const;

    pid_t pid() const { return server_ ? server_->pid() : -1; }
    bool running() { return server_ && server_->running(); }
    // Stops the registry now (idempotent); the destructor calls it.
    void stop();

private:
    void write_config();
    void start_and_wait();

    registry_options options_;
    temp_dir dir_;
    std::filesystem::path root_, config_, log_, htpasswd_file_;
    std::uint16_t port_ = 0;
    std::optional<child_process> server_;
};

}  // namespace lading::test
