#include "tls_failure.hpp"

#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>

namespace lading::registry::sansio {

namespace {

// OpenSSL reasons that concern a certificate (ours or the registry's).
constexpr std::array certificate_reasons = {
    SSL_R_CERTIFICATE_VERIFY_FAILED,
    SSL_R_MISSING_RSA_CERTIFICATE,
    SSL_R_NO_CERTIFICATES_RETURNED,
    SSL_R_NO_CERTIFICATE_ASSIGNED,
    SSL_R_NO_CERTIFICATE_SET,
    SSL_R_DANE_TLSA_BAD_CERTIFICATE,
    SSL_R_DANE_TLSA_BAD_CERTIFICATE_USAGE,
    SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE,
    SSL_R_SIGNATURE_FOR_NON_SIGNING_CERTIFICATE,
    SSL_R_INVALID_CERTIFICATE_OR_ALG,
    SSL_R_UNKNOWN_CERTIFICATE_TYPE,
    SSL_R_NOT_REPLACING_CERTIFICATE,
    SSL_R_NO_GOST_CERTIFICATE_SENT_BY_PEER,
    SSL_R_WRONG_CERTIFICATE_TYPE,
    SSL_R_SSLV3_ALERT_NO_CERTIFICATE,
    SSL_R_SSLV3_ALERT_BAD_CERTIFICATE,
    SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE,
    SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
    SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED,
    SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
    SSL_R_TLSV1_CERTIFICATE_UNOBTAINABLE,
    SSL_R_TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE,
    SSL_R_TLSV1_BAD_CERTIFICATE_HASH_VALUE,
    SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED,
};

}  // namespace

tls_failure classify_tls_failure(const boost::system::error_code& ec)
{
    if (ec.category() != boost::asio::error::get_ssl_category()) return {};
    const auto packed = static_cast<unsigned long>(ec.value());
    if (ERR_GET_LIB(packed) != ERR_LIB_SSL) return {};
    const int reason = ERR_GET_REASON(packed);
    return {std::find(certificate_reasons.begin(), certificate_reasons.end(), reason) != certificate_reasons.end(),
            reason >= SSL_AD_REASON_OFFSET};
}

}  // namespace lading::registry::sansio
