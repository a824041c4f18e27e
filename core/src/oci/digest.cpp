#include <lading/oci/digest.hpp>
#include <lading/error.hpp>

#include <openssl/evp.h>

namespace lading {

namespace {
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
}  // namespace

std::optional<digest> digest::parse(std::string_view text)
{
    constexpr std::string_view prefix = "sha256:";
    if (text.size() != prefix.size() + 64 || !text.starts_with(prefix)) return std::nullopt;
    for (char c : text.substr(prefix.size()))
        if (!is_lower_hex(c)) return std::nullopt;
    return digest(std::string(text));
}

digest digest::parse_or_throw(std::string_view text, std::string_view what)
{
    if (auto d = parse(text)) return *d;
    throw error(std::string(what) + " is not a sha256 digest: \"" + std::string(text.substr(0, 80)) + "\"");
}

digest digest::of(std::string_view bytes)
{
    sha256_hasher h;
    h.update(bytes);
    return h.finish();
}

struct sha256_hasher::state {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~state() { EVP_MD_CTX_free(ctx); }
};

sha256_hasher::sha256_hasher() : state_(std::make_unique<state>())
{
    if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1)
        throw error("cannot initialise sha256 (OpenSSL)");
}

sha256_hasher::~sha256_hasher() = default;
sha256_hasher::sha256_hasher(sha256_hasher&&) noexcept = default;
sha256_hasher& sha256_hasher::operator=(sha256_hasher&&) noexcept = default;

void sha256_hasher::update(std::span<const std::uint8_t> bytes)
{
    EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
    bytes_ += bytes.size();
}

void sha256_hasher::update(std::string_view bytes)
{
    update(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

digest sha256_hasher::finish()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(state_->ctx, out, &len);
    static constexpr char hexdigits[] = "0123456789abcdef";
    std::string value = "sha256:";
    for (unsigned i = 0; i < len; ++i) {
        value += hexdigits[out[i] >> 4];
        value += hexdigits[out[i] & 0xf];
    }
    EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
    bytes_ = 0;
    return digest(std::move(value));
}

}  // namespace lading
