// zstd layer blobs (base image layers, forced conversions), through the zstd plugin.
#include "plugin_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    lading::fuzz::run_plugin_codec("zstd", lading::fuzz::codec_direction::decompress, {data, size});
    return 0;
}
