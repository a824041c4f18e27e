// Registry credentials from docker's config.json: auths, credHelpers, credsStore.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace lading::registry {

struct credential {
    std::string username;
    std::string password;
    std::string identity_token;  // OAuth2 refresh token: exchanged with a POST to the realm
    std::string registry_token;  // sent as it is as a Bearer token
};

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
std::filesystem::path docker_config_path();

// The credential docker would use for `registry_host` ("host:port"; docker.io maps to
// https://index.docker.io/v1/). credHelpers win over credsStore, which wins over auths.
// A configured helper that cannot run is an error, never a silent fall-through.
std::optional<credential> find_credential(const std::string& registry_host);

// Stores user/password for the host in config.json's auths (atomically, mode 0600), or in
// the configured credential helper when there is one.
void store_credential(const std::string& registry_host, const credential& c);

// The key docker uses in config.json for a registry host.
std::string config_key_for(const std::string& registry_host);

// The registry host of a server address as `docker login` takes it: "https://host:5000/v2/"
// and "host:5000/" are "host:5000".
std::string key_hostname(std::string server_address);

}  // namespace lading::registry
