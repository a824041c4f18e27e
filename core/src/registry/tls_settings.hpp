// TLS trust for one registry: system CAs plus docker's certs.d/<host:port>/ directory.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lading::registry {

// $LADING_CERTS_D, else /etc/docker/certs.d.
std::filesystem::path certs_directory();

// A client context for `host_port`: peer verification against the system store and
// certs.d/<host_port>/*.crt, client certificate from *.cert + *.key; with
// verify = false (registry.insecure) no verification at all.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& host_port, bool verify,
                                                            const std::vector<std::filesystem::path>& extra_ca = {});

}  // namespace lading::registry
