#include <lading/error.hpp>
#include "registry/tls_settings.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <cstdlib>
#include <memory>

namespace lading::registry {

namespace ssl = boost::asio::ssl;

std::filesystem::path certs_directory()
{
    if (const char* d = std::getenv("LADING_CERTS_D"); d && *d) return d;
    return "/etc/docker/certs.d";
}

namespace {

// The system's CA certificates, parsed once per process. Parsing the bundle (some 140
// certificates) takes about 24 ms, which every registry session paid again before its first
// request, a push's at the very end of the export among them.
X509_STORE* system_trust_store()
{
    using store_ptr = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
    static const store_ptr store = [] {
        store_ptr s(X509_STORE_new(), &X509_STORE_free);
        if (!s || X509_STORE_set_default_paths(s.get()) != 1) throw error("cannot load the system's CA certificates");
        return s;
    }();
    return store.get();
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const std::string& host_port, bool verify,
                                              const std::vector<std::filesystem::path>& extra_ca)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (!verify) {
        ctx->set_verify_mode(ssl::verify_none);
        return ctx;
    }
    ctx->set_verify_mode(ssl::verify_peer);

    std::vector<std::filesystem::path> cas = extra_ca, client_certs;
    auto dir = certs_directory() / host_port;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        if (it->path().extension() == ".crt") cas.push_back(it->path());
        if (it->path().extension() == ".cert") client_certs.push_back(it->path());
    }
    // A context trusting more than the system's CAs gets a store of its own; the shared one
    // must not learn one registry's CAs for all others.
    if (cas.empty()) {
        SSL_CTX_set1_cert_store(ctx->native_handle(), system_trust_store());
    } else {
        ctx->set_default_verify_paths();
        for (const auto& ca : cas) {
            boost::system::error_code bec;
            ctx->load_verify_file(ca.string(), bec);
            if (bec) throw error("cannot load CA certificate " + ca.string() + ": " + bec.message());
        }
    }
    for (const auto& cert : client_certs) {
        auto key = cert;
        key.replace_extension(".key");
        boost::system::error_code bec;
        ctx->use_certificate_chain_file(cert.string(), bec);
        if (!bec) ctx->use_private_key_file(key.string(), ssl::context::pem, bec);
        if (bec) throw error("cannot load client certificate " + cert.string() + " with " + key.string() + ": " + bec.message());
    }
    return ctx;
}

}  // namespace lading::registry
