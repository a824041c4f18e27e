// Incremental SHA-256 (OpenSSL), rendered the way OCI digests are written.
#pragma once

#include <cstdint>
#include <span>
#include <string>

struct evp_md_ctx_st;

namespace lading::plugins::estargz {

class sha256 {
public:
    sha256();
    ~sha256();
    sha256(const sha256&) = delete;
    sha256& operator=(const sha256&) = delete;

    void update(std::span<const std::uint8_t> bytes);
    // "sha256:<64 lowercase hex digits>"; the hasher starts over afterwards.
    std::string finish();

private:
    evp_md_ctx_st* ctx_;
};

std::string sha256_of(std::span<const std::uint8_t> bytes);

}  // namespace lading::plugins::estargz
