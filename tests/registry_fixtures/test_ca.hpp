// A throw-away PKI for TLS and token tests, written as PEM files into a directory:
//   ca.pem / ca-key.pem                   the test CA (EC P-256, self-signed)
//   server.pem / server-key.pem           leaf for the servers, signed by the CA
//                                         (subjectAltName DNS:localhost, IP:127.0.0.1 by default)
//   token-signing.pem / token-signing-key.pem
//                                         leaf that signs registry tokens, signed by the CA
//   token-roots.pem                       CA + token-signing cert: a registry `rootcertbundle`
//                                         that accepts both x5c and kid tokens
//   certs.d/ca.crt                        the CA alone, as skopeo's --cert-dir wants it
// and with `unknown_ca`, a second CA that nothing trusts plus a server leaf it signed:
//   unknown-ca.pem, unknown-server.pem / unknown-server-key.pem
// Certificates are valid from one hour ago for 30 days.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "registry_fixtures/tls_files.hpp"

namespace lading::test {

enum class key_kind { ec_p256, rsa_2048 };

struct test_ca_options {
    std::vector<std::string> dns_names{"localhost"};
    std::vector<std::string> ip_addresses{"127.0.0.1"};
    // RSA gives RS256 tokens, EC P-256 gives ES256 tokens.
    key_kind token_signing_key = key_kind::rsa_2048;
    bool unknown_ca = false;
};

class test_ca {
public:
    // Creates `dir` if needed. Throws std::runtime_error on any OpenSSL or file error.
    explicit test_ca(std::filesystem::path dir, test_ca_options options = {});

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path ca_certificate() const { return dir_ / "ca.pem"; }
    tls_files ca() const { return {dir_ / "ca.pem", dir_ / "ca-key.pem"}; }
    tls_files server() const { return {dir_ / "server.pem", dir_ / "server-key.pem"}; }
    tls_files token_signing() const { return {dir_ / "token-signing.pem", dir_ / "token-signing-key.pem"}; }
    std::filesystem::path token_root_bundle() const { return dir_ / "token-roots.pem"; }
    std::filesystem::path client_cert_dir() const { return dir_ / "certs.d"; }

    bool has_unknown_ca() const { return unknown_ca_; }
    // Throw std::logic_error when the options did not ask for the unknown CA.
    std::filesystem::path unknown_ca_certificate() const;
    tls_files unknown_server() const;

private:
    std::filesystem::path dir_;
    bool unknown_ca_ = false;
};

}  // namespace lading::test
