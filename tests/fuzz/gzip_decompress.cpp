// gzip layer blobs (base image layers, forced conversions), through the gzip plugin.
#include "plugin_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    lading::fuzz::run_plugin_codec("gzip", lading::fuzz::codec_direction::decompress, {data, size});
    return 0;
}
