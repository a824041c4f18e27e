#include "registry/upload_target.hpp"

#include "registry/session.hpp"

namespace lading::registry {

session_options options_for(const upload_target& target)
{
    auto options = options_for(target.domain, target.hosts, target.insecure);
    options.greeted = target.greeted;
    return options;
}

}  // namespace lading::registry
