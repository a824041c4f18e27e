// A layer conversion the store recorded (by an earlier variant or force-compression),
// checked against everything a variant takes from it before it is reused.
#pragma once

#include "convert/source_image.hpp"
#include "layer/conversion_cache.hpp"

#include <lading/plugin/catalog.hpp>

#include <optional>
#include <stop_token>
#include <string>

namespace lading::plugin {
class store;
}

namespace lading::convert {

// The recorded conversion of `source` into `compression` at `level`, when the record is there
// and still holds: its blob's bytes hash to the recorded digest, its media suffix is the
// compressor's, and the blob decompresses to a tar whose sha256 is the recorded diffID, which
// must be the source's unless the compressor rewrites the archive (eStargz, whose layers carry
// their TOC digest). Costs one decompression of the blob; anything that does not hold gives
// nullopt, and the layer is converted again.
std::optional<layer::converted_layer> find_checked_conversion(plugin::store& store, plugin::catalog& plugins,
                                                              const source_layer& source,
                                                              const std::string& compression, int level,
                                                              const std::string& media_suffix, std::stop_token stop);

}  // namespace lading::convert
