#include "registry_fixtures/registry_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/beast/http/verb.hpp>

#include "common/required_tool.hpp"
#include "registry_fixtures/free_port.hpp"
#include "registry_fixtures/http_client.hpp"

extern char** environ;

namespace lading::test {

namespace fs = std::filesystem;

namespace {

const tool docker_registry_tool{"docker-registry", "docker-registry"};
const tool htpasswd_tool{"htpasswd", "apache2-utils"};
constexpr int port_attempts = 3;

void require(const tool& t) {
    if (!find_program(t.program)) throw std::runtime_error(missing_tool_message(t));
}

// YAML double-quoted scalar.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

// REGISTRY_* variables override the config file (distribution's env overlay); a stray one
// in the test environment must not change the fixture.
std::map<std::string, std::optional<std::string>> without_registry_overrides() {
    std::map<std::string, std::optional<std::string>> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        if (kv.substr(0, 9) == "REGISTRY_") env[std::string(kv.substr(0, kv.find('=')))] = std::nullopt;
    }
    return env;
}

std::string read_tail(const fs::path& file, std::size_t bytes) {
    std::ifstream f(file, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

void write_htpasswd(const fs::path& file, const htpasswd_auth& auth) {
    require(htpasswd_tool);
    std::ofstream out(file, std::ios::binary);
    for (const auto& [user, password] : auth.users) {
        auto r = run_process({"htpasswd", "-Bbn", user, password}, std::chrono::seconds(30));
        if (!r.succeeded()) throw std::runtime_error("htpasswd failed: " + r.describe());
        out << r.out.substr(0, r.out.find_last_not_of("\r\n") + 1) << "\n";
    }
    if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

registry_server::registry_server(registry_options options)
    : options_(std::move(options)),
      dir_("lading-registry-"),
      root_(dir_.path() / "storage"),
      config_(dir_.path() / "config.yml"),
      log_(dir_.path() / "registry.log"),
      htpasswd_file_(dir_.path() / "htpasswd") {
    if (options_.htpasswd && options_.token)
        throw std::invalid_argument("registry_options: choose htpasswd or token auth, not both");
    require(docker_registry_tool);
    fs::create_directories(root_);
    if (options_.htpasswd) write_htpasswd(htpasswd_file_, *options_.htpasswd);
    start_and_wait();
}

registry_server::~registry_server() { stop(); }

void registry_server::stop() {
    if (!server_) return;
    server_->stop(std::chrono::seconds(5));
    server_.reset();
}

std::string registry_server::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::string registry_server::base_url() const { return (uses_tls() ? "https://" : "http://") + address(); }

std::string registry_server::log_tail(std::size_t bytes) const { return read_tail(log_, bytes); }

void registry_server::write_config() {
    std::ofstream f(config_, std::ios::binary);
    f << "version: 0.1\n"
      << "log:\n"
      << "  level: " << options_.log_level << "\n"
      << "  accesslog:\n"
      << "    disabled: " << (options_.access_log ? "false" : "true") << "\n"
      << "storage:\n"
      << "  filesystem:\n"
      << "    rootdirectory: " << quoted(root_.string()) << "\n"
      << "  delete:\n"
      << "    enabled: " << (options_.delete_enabled ? "true" : "false") << "\n"
      << "  maintenance:\n"
      << "    uploadpurging:\n"
      << "      enabled: false\n"
      << "http:\n"
      << "  addr: " << quoted(address())
      << "\n"
      // A fixed secret: without one 2.8 makes a random one and warns about it.
      << "  secret: \"lading-registry-fixture\"\n";
    if (options_.tls) {
        f << "  tls:\n"
          << "    certificate: " << quoted(options_.tls->certificate.string()) << "\n"
          << "    key: " << quoted(options_.tls->key.string()) << "\n";
        if (!options_.client_cas.empty()) {
            f << "    clientcas:\n";
            for (const auto& ca : options_.client_cas) f << "      - " << quoted(ca.string()) << "\n";
        }
    }
    if (options_.htpasswd) {
        f << "auth:\n"
          << "  htpasswd:\n"
          << "    realm: " << quoted(options_.htpasswd->realm) << "\n"
          << "    path: " << quoted(htpasswd_file_.string()) << "\n";
    } else if (options_.token) {
        f << "auth:\n"
          << "  token:\n"
          << "    realm: " << quoted(options_.token->realm) << "\n"
          << "    service: " << quoted(options_.token->service) << "\n"
          << "    issuer: " << quoted(options_.token->issuer) << "\n"
          << "    rootcertbundle: " << quoted(options_.token->root_cert_bundle.string()) << "\n";
    }
    if (!f.flush()) throw std::runtime_error("cannot write " + config_.string());
}

void registry_server::start_and_wait() {
    for (int attempt = 1;; ++attempt) {
        port_ = free_port();
        write_config();
        process_options o;
        o.argv = {"docker-registry", "serve", config_.string()};
        o.env = without_registry_overrides();
        o.stdout_file = log_;
        o.stderr_file = log_;
        o.timeout = std::chrono::hours(24);  // a server: stopped explicitly
        server_.emplace(o);

        http_client_options probe;
        probe.verify_peer = false;
        probe.timeout = std::chrono::seconds(1);
        const auto deadline = std::chrono::steady_clock::now() + options_.startup_timeout;
        std::string last_error;
        for (;;) {
            if (!server_->running()) {
                auto r = server_->wait_for(std::chrono::seconds(1));
                server_.reset();
                std::string log = log_tail();
                // Someone took the port between free_port() and the registry's listen.
                if (attempt < port_attempts && log.find("address already in use") != std::string::npos) break;
                throw std::runtime_error("docker-registry exited during startup (" + r.describe(0) +
                                         ")\nconfig " + config_.string() + "\nlog:\n" + log);
            }
            try {
                // A registry that wants client certificates refuses the probe's handshake:
                // for it, accepting connections is the sign of life.
                if (!options_.client_cas.empty()) {
                    if (accepts_connections(port_)) return;
                    throw std::runtime_error("not listening yet");
                }
                http_fetch(boost::beast::http::verb::get, base_url() + "/v2/", {}, {}, probe);
                return;
            } catch (const std::exception& e) {
                last_error = e.what();
            }
            if (std::chrono::steady_clock::now() > deadline) {
                stop();
                throw std::runtime_error("docker-registry did not answer GET /v2/ within " +
                                         std::to_string(options_.startup_timeout.count()) +
                                         " s (last: " + last_error + ")\nlog:\n" + log_tail());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

std::size_t registry_server::blob_count() const {
    std::size_t n = 0;
    fs::path blobs = root_ / "docker/registry/v2/blobs";
    std::error_code ec;
    if (!fs::exists(blobs, ec)) return 0;
    for (auto it = fs::recursive_directory_iterator(blobs, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && it->path().filename() == "data") ++n;
    return n;
}

bool registry_server::has_blob(const std::string& digest) const {
    auto colon = digest.find(':');
    if (colon == std::string::npos || digest.size() < colon + 3) return false;
    std::string alg = digest.substr(0, colon);
    std::string hex = digest.substr(colon + 1);
    std::error_code ec;
    return fs::is_regular_file(root_ / "docker/registry/v2/blobs" / alg / hex.substr(0, 2) / hex / "data",
                               ec);
}

std::vector<std::string> registry_server::repositories() const {
    std::vector<std::string> names;
    fs::path repos = root_ / "docker/registry/v2/repositories";
    std::error_code ec;
    if (!fs::exists(repos, ec)) return names;
    for (auto it = fs::recursive_directory_iterator(repos, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory() && it->path().filename() == "_manifests") {
            names.push_back(fs::relative(it->path().parent_path(), repos).generic_string());
            it.disable_recursion_pending();
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace lading::test
