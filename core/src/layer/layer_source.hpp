// Opens a --layer argument (a directory or a tar archive, compressed or not) as a stream
// of uncompressed tar bytes.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/plugin/catalog.hpp>
#include "tar/tree_walker.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace lading::layer {

// A directory is walked and written as a deterministic tar; a file is recognised by its
// content (any compressor plugin that detects its format decompresses it). When
// clamp_mtime is set, every time in the resulting tar is clamped to it.
// Throws lading::error naming the path when it is missing or not a tar archive.
// A directory's walk tells `observe_walk` of every name it looks at (tar::entry_observer).
std::unique_ptr<byte_source> open_layer_source(const std::filesystem::path& path, plugin::catalog& plugins,
                                               std::optional<std::int64_t> clamp_mtime,
                                               tar::entry_observer observe_walk = {});

// The uncompressed bytes of `src`: decompressed by the compressor plugin that detects its
// format, or passed through when none does (a plain tar). `what` names it in errors.
std::unique_ptr<byte_source> open_uncompressed(std::unique_ptr<byte_source> src, plugin::catalog& plugins,
                                               const std::string& what);

}  // namespace lading::layer
