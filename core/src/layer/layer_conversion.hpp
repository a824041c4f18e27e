// force-compression: base layers whose compression is not the requested one are
// decompressed (by whichever compressor plugin recognises them) and compressed again.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/oci/descriptor.hpp>
#include "layer/layer_builder.hpp"
#include <lading/plugin/catalog.hpp>

#include <memory>
#include <string>

namespace lading::layer {

// Only the kind of compression counts, never its level: a gzip layer forced to gzip level 9
// is kept. estargz and plain gzip share a media type and are told apart by the TOC
// annotation estargz layers carry.
// `layer_suffix` is the layer's compressor suffix, `target` and `target_suffix` the
// compressor asked for and its suffix.
bool needs_conversion(const descriptor& layer, const std::string& layer_suffix, const std::string& target,
                      const std::string& target_suffix);

// Re-encodes one layer blob. Its tar must have the diffID the base's config lists for it,
// else this throws lading::error naming the layer.
built_layer convert_layer(std::unique_ptr<byte_source> blob, const descriptor& layer, const digest& diff_id,
                          plugin::catalog& plugins, const compression_choice& compression, const blob_sink& sink,
                          progress_listener& progress, std::size_t progress_id);

}  // namespace lading::layer
