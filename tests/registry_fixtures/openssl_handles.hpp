// Owning handles for the OpenSSL objects the fixtures use, PEM file I/O and errors that
// carry OpenSSL's error queue.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace lading::test::ossl {

struct pkey_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* p) const { X509_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

// Throws std::runtime_error("<what>: <OpenSSL error queue>") and clears the queue.
[[noreturn]] void throw_error(const std::string& what);

pkey_ptr read_private_key(const std::filesystem::path& pem);
// The first certificate of a PEM file.
x509_ptr read_certificate(const std::filesystem::path& pem);
// Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), mode 0600.
void write_private_key(const std::filesystem::path& pem, EVP_PKEY* key);
// Writes the certificates in order (leaf first for a chain file).
void write_certificates(const std::filesystem::path& pem, std::initializer_list<X509*> certs);

std::string certificate_der(X509* cert);
// DER SubjectPublicKeyInfo of the key's public half.
std::string public_key_der(EVP_PKEY* key);

}  // namespace lading::test::ossl
