// Client Basic auth against an htpasswd file (`htpasswd -B`, as docker-registry uses): each
// line `user:hash`, checked with crypt(3) (bcrypt $2y$/$2b$, sha512crypt $6$, sha256crypt
// $5$). A password that checked once is remembered by its SHA-256, so bcrypt's cost is paid
// once per user and password.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace lading::mirror {

class htpasswd_file {
public:
    // Throws lading::error when the file cannot be read or has no valid line.
    explicit htpasswd_file(const std::filesystem::path& path);
    // `authorization`: the request's Authorization header.
    bool allows(std::string_view authorization);

private:
    std::map<std::string, std::string> hashes_;    // user -> crypt hash
    std::map<std::string, std::string> accepted_;  // user -> sha256 of a password that matched
};

}  // namespace lading::mirror
