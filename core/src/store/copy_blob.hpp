// Copies one blob into a store, checking its bytes on the way.
#pragma once

#include <lading/oci/descriptor.hpp>
#include <lading/stream/byte_source.hpp>

#include <string>

namespace lading {

namespace plugin {
class store;
}

// Writes the blob `d` read from `from` into `to`, committed only when its bytes hash to the
// digest with the descriptor's size. A source longer than the size is refused as soon as it
// is (a huge or sparse file behind a small descriptor is not copied to its end). `whose`
// names the source in the error ("the base image").
void write_checked_blob(byte_source& from, const descriptor& d, plugin::store& to, const std::string& whose);

// Nothing happens when `to` holds the blob already.
void copy_blob(plugin::store& from, const descriptor& d, plugin::store& to, const std::string& whose);

}  // namespace lading
