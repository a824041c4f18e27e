// lading-mirror's flags and its configuration file, turned into the server's options.
#pragma once

#include <lading/mirror/mirror_server.hpp>

#include <string>
#include <vector>

namespace lading::mirror_host {

struct mirror_command {
    bool help = false;
    mirror::server_options server;
    std::vector<std::string> plugin_path;
};

// Throws lading::usage_error naming the flag or the configuration key that is wrong.
mirror_command parse_mirror_command(const std::vector<std::string>& args);

extern const char* const mirror_usage;

// "1024", "512K", "20G", "1.5GiB" -> bytes (K, M, G, T are powers of 1024).
std::uint64_t parse_size(const std::string& text, const std::string& what);
// "300", "90s", "5m", "2h" -> seconds.
std::chrono::seconds parse_duration(const std::string& text, const std::string& what);

}  // namespace lading::mirror_host
