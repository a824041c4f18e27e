#include "registry_fixtures/nginx_front.hpp"

#include "common/required_tool.hpp"
#include "registry_fixtures/free_port.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace lading::test {

namespace {

const tool nginx_tool{"nginx", "nginx"};
constexpr int port_attempts = 3;

// Debian installs nginx in /usr/sbin, which a user's PATH may lack.
fs::path nginx_program()
{
    if (auto found = find_program(nginx_tool.program)) return *found;
    if (::access("/usr/sbin/nginx", X_OK) == 0) return "/usr/sbin/nginx";
    throw std::runtime_error(missing_tool_message(nginx_tool));
}


std::string read_all(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

nginx_front::nginx_front(const std::string& upstream, nginx_front_options options)
    : dir_("lading-nginx-"), options_(std::move(options))
{
    const auto program = nginx_program();
    const auto error_log = dir_.path() / "error.log";
    for (int attempt = 1;; ++attempt) {
        port_ = free_port();
        write_config(upstream);
        process_options o;
        o.argv = {program.string(), "-p", dir_.path().string(), "-c", (dir_.path() / "nginx.conf").string(), "-e",
                  error_log.string()};
        o.stdout_file = dir_.path() / "stdout.log";
        o.stderr_file = dir_.path() / "stderr.log";
        o.timeout = std::chrono::hours(24);  // a server: stopped explicitly
        server_.emplace(o);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (server_->running() && !accepts_connections(port_) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (server_->running() && accepts_connections(port_)) return;
        server_.reset();
        const auto log = read_all(error_log) + read_all(dir_.path() / "stderr.log");
        // Someone took the port between free_port() and nginx's listen.
        if (attempt < port_attempts && log.find("Address already in use") != std::string::npos) continue;
        throw std::runtime_error("nginx did not start on 127.0.0.1:" + std::to_string(port_) + ":\n" + log);
    }
}

nginx_front::~nginx_front()
{
    if (server_) server_->stop(std::chrono::seconds(5));
}

std::string nginx_front::address() const { return "127.0.0.1:" + std::to_string(port_); }

void nginx_front::write_config(const std::string& upstream)
{
    const auto d = dir_.path().string();
    std::ofstream f(dir_.path() / "nginx.conf", std::ios::binary | std::ios::trunc);
    // One process in the foreground; every path under the temp dir, so no root is needed.
    f << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << d << "/nginx.pid;\n"
      << "events { worker_connections 256; }\n"
      << "http {\n"
      << "  log_format requests \"$request_method $status $request_length $http_content_range\";\n"
      << "  access_log " << d << "/access.log requests;\n"
      << "  client_body_temp_path " << d << "/client_body;\n"
      << "  proxy_temp_path " << d << "/proxy;\n"
      << "  fastcgi_temp_path " << d << "/fastcgi;\n  uwsgi_temp_path " << d << "/uwsgi;\n"
      << "  scgi_temp_path " << d << "/scgi;\n"
      << "  server {\n"
      << "    listen 127.0.0.1:" << port_ << ";\n"
      << "    client_max_body_size " << options_.client_max_body_size << ";\n"
      << "    location / {\n"
      << "      proxy_pass http://" << upstream << ";\n"
      << "      proxy_set_header Host $http_host;\n"
      << "      proxy_http_version 1.1;\n"
      << "      proxy_request_buffering off;\n"
      << "      proxy_read_timeout 600;\n";
    if (options_.chunk_min_length)
        f << "      add_header OCI-Chunk-Min-Length " << *options_.chunk_min_length << " always;\n";
    f << "    }\n"
      << "  }\n"
      << "}\n";
    if (!f.flush()) throw std::runtime_error("cannot write " + (dir_.path() / "nginx.conf").string());
}

std::vector<nginx_request> nginx_front::requests() const
{
    std::vector<nginx_request> all;
    std::istringstream lines(read_all(dir_.path() / "access.log"));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        nginx_request r;
        if (fields >> r.method >> r.status >> r.length >> r.content_range) all.push_back(r);
    }
    return all;
}

void nginx_front::forget_requests() { std::ofstream(dir_.path() / "access.log", std::ios::trunc); }

}  // namespace lading::test
