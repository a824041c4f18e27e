#include <lading/formats/sha256.hpp>

#include <openssl/evp.h>

#include <stdexcept>

namespace lading::formats {

struct sha256::context {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ~context() { EVP_MD_CTX_free(md); }
    void start()
    {
        if (md == nullptr || EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("cannot start SHA-256 (OpenSSL)");
    }
};

sha256::sha256() : context_(std::make_unique<context>()) { context_->start(); }

sha256::~sha256() = default;
sha256::sha256(sha256&&) noexcept = default;
sha256& sha256::operator=(sha256&&) noexcept = default;

void sha256::update(std::span<const std::uint8_t> bytes)
{
    if (!bytes.empty() && EVP_DigestUpdate(context_->md, bytes.data(), bytes.size()) != 1)
        throw std::runtime_error("SHA-256 update failed (OpenSSL)");
}

void sha256::update(std::string_view bytes)
{
    update(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string sha256::finish_hex()
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->md, md, &length) != 1) throw std::runtime_error("SHA-256 final failed (OpenSSL)");
    context_->start();
    static constexpr char hex_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * length);
    for (unsigned i = 0; i < length; ++i) {
        out += hex_digits[md[i] >> 4];
        out += hex_digits[md[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view bytes)
{
    sha256 hasher;
    hasher.update(bytes);
    return hasher.finish_hex();
}

}  // namespace lading::formats
