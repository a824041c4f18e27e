// Registry bearer tokens as distribution 2.8 verifies them (registry/auth/token): a compact
// JWS, header {"typ":"JWT","alg":"RS256"|"ES256", and "x5c":[leaf DER, base64] or
// "kid":<libtrust key ID>}, claims iss, sub, aud, exp, nbf, iat, jti and
// access:[{type,name,actions}]. With x5c the registry checks the leaf against the roots in its
// `rootcertbundle`; with kid the signing certificate itself must be in that bundle.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "registry_fixtures/openssl_handles.hpp"

namespace lading::test {

enum class token_key_reference { x5c, kid };

struct token_access {
    std::string type = "repository";
    std::string name{};
    std::vector<std::string> actions{};
};

struct token_claims {
    std::string issuer{};
    std::string subject{};
    std::string audience{};  // the registry's auth.token.service
    std::chrono::system_clock::time_point not_before{};
    std::chrono::system_clock::time_point expires_at{};
    std::chrono::system_clock::time_point issued_at{};
    std::string id{};  // jti; random when empty
    std::vector<token_access> access{};
};

class token_signer {
public:
    // The key decides the algorithm: RSA -> RS256, EC P-256 -> ES256.
    token_signer(const std::filesystem::path& key_pem, const std::filesystem::path& cert_pem,
                 token_key_reference reference = token_key_reference::x5c);

    std::string sign(const token_claims& claims) const;
    const std::string& algorithm() const { return algorithm_; }
    // libtrust's key ID of the signing key (what "kid" carries).
    const std::string& key_id() const { return key_id_; }

private:
    ossl::pkey_ptr key_;
    std::string algorithm_;
    std::string key_id_;
    std::string certificate_der_;
    token_key_reference reference_;
};

// libtrust's KeyID: the SHA-256 of the DER SubjectPublicKeyInfo, first 30 bytes, base32
// without padding, in 12 groups of 4 joined by ':'.
std::string libtrust_key_id(EVP_PKEY* key);

// Decodes (without verifying) a compact JWS's header and claims, for assertions.
boost::json::object token_header(std::string_view token);
boost::json::object token_payload(std::string_view token);

}  // namespace lading::test
