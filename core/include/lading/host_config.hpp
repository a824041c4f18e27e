// The host configuration file: per-registry transport settings (what buildkitd.toml's
// [registry."host"] sections offer), plugin directories and push parallelism.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lading {

// A pull mirror as the configuration names it: a registry, and the path its repositories
// are under there (BuildKit's `mirrors = ["host/path"]`: REPO is pulled as path/REPO).
struct mirror_location {
    std::string written;  // the entry as the configuration has it, for messages
    std::string host;     // host[:port]
    std::string path;     // "" or "a/b", no slashes at either end
    std::string repository_for(const std::string& repository) const { return path.empty() ? repository : path + "/" + repository; }
    bool operator==(const mirror_location&) const = default;
};

// Splits a mirrors entry ([scheme://]host[:port][/path]; the scheme is dropped, as BuildKit
// drops it); throws lading::error for one without a host.
mirror_location parse_mirror(const std::string& entry);

struct registry_host_settings {
    bool http = false;      // speak plain HTTP to this registry
    bool insecure = false;  // TLS without verification (and plain HTTP fallback)
    std::vector<std::filesystem::path> ca;  // extra CA certificates (PEM)
    std::vector<mirror_location> mirrors;   // tried first for pulls, in order
};

struct host_config {
    std::vector<std::filesystem::path> plugin_path;
    std::map<std::string, registry_host_settings> registries;  // keyed by host[:port]
    unsigned parallel_uploads = 4;

    const registry_host_settings* registry(const std::string& host) const;
};

// --config FILE, else $LADING_CONFIG, else $XDG_CONFIG_HOME/lading/config.json (or
// ~/.config/lading/config.json); a missing default file is an empty configuration, a
// missing explicit one is an error. Unknown keys are errors naming the key.
host_config load_host_config(const std::optional<std::filesystem::path>& explicit_path);

host_config parse_host_config(const std::string& json_text, const std::string& origin);

}  // namespace lading
