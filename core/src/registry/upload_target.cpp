#include "registry/upload_target.hpp"

#include "registry/session.hpp"

namespace lading::registry {

session_options options_for(const upload_target& target)
{
    return options_for(target.domain, target.hosts, target.insecure, target.greeted);
}

}  // namespace lading::registry
