// Incremental SHA-256 (FIPS 180-4) on OpenSSL, the one hashing implementation of the core,
// the plugins and the tests. Renders as 64 lowercase hex digits, the form OCI digests use.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace lading::formats {

class sha256 {
public:
    // Throws std::runtime_error when OpenSSL cannot provide the hash.
    sha256();
    ~sha256();
    sha256(sha256&&) noexcept;
    sha256& operator=(sha256&&) noexcept;

    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view bytes);
    // The digest of everything given since construction or the last finish; the hasher
    // starts over afterwards.
    std::string finish_hex();

private:
    struct context;
    std::unique_ptr<context> context_;
};

std::string sha256_hex(std::string_view bytes);

}  // namespace lading::formats
