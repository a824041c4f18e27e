// Copies one blob from a store into another, checking its bytes on the way.
#pragma once

#include <lading/oci/descriptor.hpp>

#include <string>

namespace lading {

namespace plugin {
class store;
}

// Nothing happens when `to` holds the blob already. `whose` names the source in the error
// thrown when the bytes do not match the descriptor ("the base image").
void copy_blob(plugin::store& from, const descriptor& d, plugin::store& to, const std::string& whose);

}  // namespace lading
