#include <lading/registry/errc.hpp>

#include <string>

namespace lading::registry {

namespace {

class registry_category : public std::error_category {
public:
    const char* name() const noexcept override { return "lading.registry"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::unexpected_status: return "the registry answered an unexpected status";
        case errc::network_failure: return "the connection to the registry failed";
        case errc::unreachable: return "the registry cannot be reached";
        case errc::certificate_rejected: return "the registry's certificate does not verify";
        case errc::client_certificate_refused: return "the registry refused the client certificate";
        case errc::credentials_required: return "the registry needs credentials";
        case errc::authentication_failed: return "authentication to the registry failed";
        case errc::unsupported_challenge: return "the registry's authentication challenge is unusable";
        case errc::insecure_redirect: return "the registry pointed from https to plain http";
        case errc::bad_redirect: return "the registry sent an unusable redirect";
        case errc::bad_token_response: return "the token server sent no token";
        case errc::response_too_large: return "the registry's answer is too large";
        case errc::protocol_violation: return "the registry broke the distribution protocol";
        case errc::request_failed: return "the request failed on lading's side";
        case errc::interrupted: return "interrupted";
        case errc::unresponsive: return "the registry does not answer";
        }
        return "registry error " + std::to_string(value);
    }
};

}  // namespace

const std::error_category& category() noexcept
{
    static const registry_category instance;
    return instance;
}

}  // namespace lading::registry
