#include "sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace lading::plugins::estargz {

namespace {
void init(EVP_MD_CTX* ctx)
{
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("estargz: cannot start SHA-256");
}
}  // namespace

sha256::sha256() : ctx_(EVP_MD_CTX_new())
{
    if (ctx_ == nullptr) throw std::runtime_error("estargz: cannot allocate a SHA-256 context");
    try {
        init(ctx_);
    } catch (...) {
        EVP_MD_CTX_free(ctx_);
        throw;
    }
}

sha256::~sha256() { EVP_MD_CTX_free(ctx_); }

void sha256::update(std::span<const std::uint8_t> bytes)
{
    if (!bytes.empty() && EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1)
        throw std::runtime_error("estargz: SHA-256 update failed");
}

std::string sha256::finish()
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &len) != 1) throw std::runtime_error("estargz: SHA-256 final failed");
    init(ctx_);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string sha256_of(std::span<const std::uint8_t> bytes)
{
    sha256 h;
    h.update(bytes);
    return h.finish();
}

}  // namespace lading::plugins::estargz
