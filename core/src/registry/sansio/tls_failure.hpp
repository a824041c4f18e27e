// What a failed TLS connection says about certificates, read from its error code (OpenSSL's
// reason), never from the message text.
#pragma once

#include <boost/system/error_code.hpp>

namespace lading::registry::sansio {

struct tls_failure {
    bool certificate = false;  // a certificate did not verify, or the peer complained about one
    bool peer_alert = false;   // the registry ended the handshake with an alert (e.g. it wants
                               // a client certificate it trusts)
};

tls_failure classify_tls_failure(const boost::system::error_code& ec);

}  // namespace lading::registry::sansio
