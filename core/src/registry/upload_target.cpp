#include "registry/upload_target.hpp"

#include "registry/session.hpp"

namespace lading::registry {

session_options options_for(const upload_target& target)
{
    auto options = options_for(target.domain, target.hosts, target.insecure, target.greeted);
    options.skip_verification_hint = push_output_hint;  // upload targets are push outputs
    return options;
}

}  // namespace lading::registry
