#include "registry_fixtures/test_ca.hpp"

#include <chrono>
#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "registry_fixtures/openssl_handles.hpp"

namespace lading::test {

namespace fs = std::filesystem;

namespace {

using ossl::pkey_ptr;
using ossl::x509_ptr;

pkey_ptr generate_key(key_kind kind) {
    pkey_ptr key(kind == key_kind::rsa_2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
    if (!key) ossl::throw_error("generate key");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) ossl::throw_error("certificate extension " + value);
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) ossl::throw_error("X509_add_ext");
}

struct cert_request {
    std::string common_name;
    bool is_ca = false;
    bool server_auth = false;
    std::string subject_alt_names;  // "DNS:localhost,IP:127.0.0.1" or empty
};

// Signs `key`'s certificate with issuer_key; a null issuer means self-signed.
x509_ptr make_certificate(const cert_request& req, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    x509_ptr cert(X509_new());
    if (!cert) ossl::throw_error("X509_new");
    X509_set_version(cert.get(), 2);

    unsigned char serial_bytes[16];
    if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) ossl::throw_error("RAND_bytes");
    serial_bytes[0] &= 0x7f;  // positive
    BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
    if (!serial || !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()))) {
        BN_free(serial);
        ossl::throw_error("serial number");
    }
    BN_free(serial);

    // Backdated by an hour so that a slightly different clock in the peer still accepts it.
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);

    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("lading tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(req.common_name.c_str()), -1, -1, 0);
    X509* issuer_cert = issuer ? issuer : cert.get();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert)) != 1 ||
        X509_set_pubkey(cert.get(), key) != 1)
        ossl::throw_error("certificate names/key");

    add_extension(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid:always");
    if (req.is_ca) {
        add_extension(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
        bool rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
        add_extension(cert.get(), issuer_cert, NID_key_usage,
                      rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
    }
    if (req.server_auth) add_extension(cert.get(), issuer_cert, NID_ext_key_usage, "serverAuth");
    if (!req.subject_alt_names.empty())
        add_extension(cert.get(), issuer_cert, NID_subject_alt_name, req.subject_alt_names);

    if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0)
        ossl::throw_error("X509_sign");
    return cert;
}

std::string subject_alt_names(const test_ca_options& o) {
    std::string san;
    for (const auto& d : o.dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
    for (const auto& ip : o.ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
    return san;
}

struct authority {
    pkey_ptr key;
    x509_ptr cert;
};

authority make_ca(const std::string& common_name) {
    authority ca;
    ca.key = generate_key(key_kind::ec_p256);
    ca.cert = make_certificate({common_name, true, false, ""}, ca.key.get(), nullptr, nullptr);
    return ca;
}

void write_server_leaf(const authority& ca, const std::string& san, const fs::path& cert_file,
                       const fs::path& key_file) {
    auto key = generate_key(key_kind::ec_p256);
    auto cert =
        make_certificate({"lading test server", false, true, san}, key.get(), ca.cert.get(), ca.key.get());
    ossl::write_certificates(cert_file, {cert.get()});
    ossl::write_private_key(key_file, key.get());
}

}  // namespace

test_ca::test_ca(fs::path dir, test_ca_options options)
    : dir_(std::move(dir)), unknown_ca_(options.unknown_ca) {
    fs::create_directories(dir_);
    const std::string san = subject_alt_names(options);

    authority root = make_ca("lading test CA");
    ossl::write_certificates(ca_certificate(), {root.cert.get()});
    ossl::write_private_key(ca().key, root.key.get());
    fs::create_directories(client_cert_dir());
    ossl::write_certificates(client_cert_dir() / "ca.crt", {root.cert.get()});

    write_server_leaf(root, san, server().certificate, server().key);

    auto token_key = generate_key(options.token_signing_key);
    auto token_cert = make_certificate({"lading test token signer", false, false, ""}, token_key.get(),
                                       root.cert.get(), root.key.get());
    ossl::write_certificates(token_signing().certificate, {token_cert.get()});
    ossl::write_private_key(token_signing().key, token_key.get());
    ossl::write_certificates(token_root_bundle(), {root.cert.get(), token_cert.get()});

    if (unknown_ca_) {
        authority other = make_ca("lading unknown CA");
        ossl::write_certificates(dir_ / "unknown-ca.pem", {other.cert.get()});
        write_server_leaf(other, san, dir_ / "unknown-server.pem", dir_ / "unknown-server-key.pem");
    }
}

fs::path test_ca::unknown_ca_certificate() const {
    if (!unknown_ca_) throw std::logic_error("test_ca was made without options.unknown_ca");
    return dir_ / "unknown-ca.pem";
}

tls_files test_ca::unknown_server() const {
    if (!unknown_ca_) throw std::logic_error("test_ca was made without options.unknown_ca");
    return {dir_ / "unknown-server.pem", dir_ / "unknown-server-key.pem"};
}

}  // namespace lading::test
