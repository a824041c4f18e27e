// The estargz plugin parses the layer tar it compresses (to build the TOC and chunk the
// payloads): a base layer converted to estargz reaches it as it came from the registry.
#include "plugin_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    lading::fuzz::run_plugin_codec("estargz", lading::fuzz::codec_direction::compress, {data, size});
    return 0;
}
