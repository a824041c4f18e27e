#include <lading/error.hpp>
#include "registry/tls_settings.hpp"

#include <cstdlib>

namespace lading::registry {

namespace ssl = boost::asio::ssl;

std::filesystem::path certs_directory()
{
    if (const char* d = std::getenv("LADING_CERTS_D"); d && *d) return d;
    return "/etc/docker/certs.d";
}

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
    ctx->set_default_verify_paths();
    ctx->set_verify_mode(ssl::verify_peer);
    for (const auto& ca : extra_ca) {
        boost::system::error_code bec;
        ctx->load_verify_file(ca.string(), bec);
        if (bec) throw error("cannot load CA certificate " + ca.string() + ": " + bec.message());
    }
    auto dir = certs_directory() / host_port;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        const auto& p = it->path();
        boost::system::error_code bec;
        if (p.extension() == ".crt") {
            ctx->load_verify_file(p.string(), bec);
            if (bec) throw error("cannot load CA certificate " + p.string() + ": " + bec.message());
        } else if (p.extension() == ".cert") {
            auto key = p;
            key.replace_extension(".key");
            ctx->use_certificate_chain_file(p.string(), bec);
            if (!bec) ctx->use_private_key_file(key.string(), ssl::context::pem, bec);
            if (bec) throw error("cannot load client certificate " + p.string() + " with " + key.string() + ": " + bec.message());
        }
    }
    return ctx;
}

}  // namespace lading::registry
