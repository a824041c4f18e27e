#include "registry_fixtures/registry_token.hpp"

#include <stdexcept>

#include <boost/json.hpp>
#include <lading/formats/base64.hpp>
#include <openssl/ec.h>
#include <openssl/rand.h>


namespace lading::test {

namespace json = boost::json;

namespace {

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
        ossl::throw_error("RAND_bytes");
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char c : raw) {
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    return hex;
}

std::string sha256(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        ossl::throw_error("EVP_Digest");
    return std::string(reinterpret_cast<char*>(md), len);
}

std::string base32(std::string_view bytes) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
    return out;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// JWS ES256 wants r||s (32 bytes each), OpenSSL produces a DER ECDSA-Sig-Value.
std::string der_ecdsa_to_jose(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (!sig) ossl::throw_error("d2i_ECDSA_SIG");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig, &r, &s);
    std::string out(64, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    bool ok = BN_bn2binpad(r, o, 32) == 32 && BN_bn2binpad(s, o + 32, 32) == 32;
    ECDSA_SIG_free(sig);
    if (!ok) ossl::throw_error("ECDSA signature size");
    return out;
}

json::object decode_part(std::string_view token, std::size_t index) {
    std::size_t begin = 0;
    for (std::size_t i = 0; i < index; ++i) {
        begin = token.find('.', begin);
        if (begin == std::string_view::npos) throw std::invalid_argument("not a compact JWS");
        ++begin;
    }
    std::size_t end = token.find('.', begin);
    if (end == std::string_view::npos) throw std::invalid_argument("not a compact JWS");
    auto payload = formats::base64url_decode(token.substr(begin, end - begin));
    if (!payload) throw std::invalid_argument("a JWS part that is not base64url");
    return json::parse(*payload).as_object();
}

}  // namespace

std::string libtrust_key_id(EVP_PKEY* key) {
    std::string b32 = base32(sha256(ossl::public_key_der(key)).substr(0, 30));
    std::string id;
    for (std::size_t i = 0; i < b32.size(); i += 4) {
        if (i) id += ':';
        id += b32.substr(i, 4);
    }
    return id;
}

token_signer::token_signer(const std::filesystem::path& key_pem, const std::filesystem::path& cert_pem,
                           token_key_reference reference)
    : key_(ossl::read_private_key(key_pem)), reference_(reference) {
    switch (EVP_PKEY_get_base_id(key_.get())) {
        case EVP_PKEY_RSA:
            algorithm_ = "RS256";
            break;
        case EVP_PKEY_EC:
            if (EVP_PKEY_get_bits(key_.get()) != 256)
                throw std::runtime_error("token signing key: only EC P-256 (ES256) is supported");
            algorithm_ = "ES256";
            break;
        default:
            throw std::runtime_error("token signing key: RSA or EC P-256 expected");
    }
    auto cert = ossl::read_certificate(cert_pem);
    if (EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key_.get()) != 1)
        throw std::runtime_error(cert_pem.string() + " does not match " + key_pem.string());
    certificate_der_ = ossl::certificate_der(cert.get());
    key_id_ = libtrust_key_id(key_.get());
}

std::string token_signer::sign(const token_claims& claims) const {
    json::object header{{"typ", "JWT"}, {"alg", algorithm_}};
    if (reference_ == token_key_reference::x5c)
        header["x5c"] = json::array{json::string(formats::base64_encode(certificate_der_))};
    else
        header["kid"] = key_id_;

    json::array access;
    for (const auto& a : claims.access) {
        json::array actions;
        for (const auto& act : a.actions) actions.emplace_back(act);
        access.push_back(json::object{{"type", a.type}, {"name", a.name}, {"actions", std::move(actions)}});
    }
    json::object payload{{"iss", claims.issuer},
                         {"sub", claims.subject},
                         {"aud", claims.audience},
                         {"exp", unix_seconds(claims.expires_at)},
                         {"nbf", unix_seconds(claims.not_before)},
                         {"iat", unix_seconds(claims.issued_at)},
                         {"jti", claims.id.empty() ? random_hex(16) : claims.id},
                         {"access", std::move(access)}};

    std::string signing_input =
        formats::base64url_encode(json::serialize(header)) + "." + formats::base64url_encode(json::serialize(payload));

    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) ossl::throw_error("EVP_MD_CTX_new");
    std::size_t len = 0;
    std::string signature;
    bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
              EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
    if (ok) {
        signature.resize(len);
        ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &len,
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size()) == 1;
        signature.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) ossl::throw_error("sign token");
    if (algorithm_ == "ES256") signature = der_ecdsa_to_jose(signature);
    return signing_input + "." + formats::base64url_encode(signature);
}

json::object token_header(std::string_view token) { return decode_part(token, 0); }

json::object token_payload(std::string_view token) { return decode_part(token, 1); }

}  // namespace lading::test
