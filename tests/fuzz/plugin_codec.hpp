// Compressor plugins fuzzed the way the host uses them: the .so from the build tree, loaded
// through its lading_compressor_v1 table, fed in slices with output room in other slices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace lading::fuzz {

enum class codec_direction { compress, decompress };

// Runs the codec over all of input. Rejection (LADING_ERROR) is a valid outcome; a broken
// contract (LADING_DONE too early, no progress, an unknown status) aborts. Stops quietly
// once the output passes output_limit: a small input may legitimately expand a lot.
void run_plugin_codec(const std::string& plugin, codec_direction direction, std::span<const std::uint8_t> input,
                      std::size_t output_limit = 64u << 20);

}  // namespace lading::fuzz
