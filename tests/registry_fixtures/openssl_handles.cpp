#include "registry_fixtures/openssl_handles.hpp"

#include <cstdio>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>

namespace lading::test::ossl {

namespace {

struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

file_ptr open_file(const std::filesystem::path& path, const char* mode) {
    file_ptr f(std::fopen(path.c_str(), mode));
    if (!f) throw std::runtime_error("cannot open " + path.string());
    return f;
}

void close_checked(file_ptr f, const std::filesystem::path& path) {
    if (std::fclose(f.release()) != 0) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

void throw_error(const std::string& what) {
    std::string detail;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!detail.empty()) detail += "; ";
        detail += buf;
    }
    throw std::runtime_error(what + ": " + (detail.empty() ? "unknown OpenSSL error" : detail));
}

pkey_ptr read_private_key(const std::filesystem::path& pem) {
    auto f = open_file(pem, "rb");
    pkey_ptr key(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
    if (!key) throw_error("read private key " + pem.string());
    return key;
}

x509_ptr read_certificate(const std::filesystem::path& pem) {
    auto f = open_file(pem, "rb");
    x509_ptr cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    if (!cert) throw_error("read certificate " + pem.string());
    return cert;
}

void write_private_key(const std::filesystem::path& pem, EVP_PKEY* key) {
    auto f = open_file(pem, "wb");
    ::fchmod(::fileno(f.get()), 0600);
    if (PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw_error("write private key " + pem.string());
    close_checked(std::move(f), pem);
}

void write_certificates(const std::filesystem::path& pem, std::initializer_list<X509*> certs) {
    auto f = open_file(pem, "wb");
    for (X509* c : certs)
        if (PEM_write_X509(f.get(), c) != 1) throw_error("write certificate " + pem.string());
    close_checked(std::move(f), pem);
}

std::string certificate_der(X509* cert) {
    int n = i2d_X509(cert, nullptr);
    if (n <= 0) throw_error("i2d_X509");
    std::string der(static_cast<std::size_t>(n), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509(cert, &p);
    return der;
}

std::string public_key_der(EVP_PKEY* key) {
    int n = i2d_PUBKEY(key, nullptr);
    if (n <= 0) throw_error("i2d_PUBKEY");
    std::string der(static_cast<std::size_t>(n), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_PUBKEY(key, &p);
    return der;
}

}  // namespace lading::test::ossl
