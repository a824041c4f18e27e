// The "estargz" compressor plugin: seekable, lazily pullable gzip layers (eStargz).
#include "estargz_compressor.hpp"
#include "gzip_decompressor.hpp"

#include <lading/sdk/compressor.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace lading::plugins::estargz {

struct estargz_format {
    static constexpr const char* name = "estargz";
    static constexpr const char* version = "0.1.0";
    static constexpr const char* media_suffix = "gzip";
    static constexpr int32_t level_min = 0;
    static constexpr int32_t level_max = 9;
    static constexpr int32_t level_default = 6;
    // The blob holds the input tar plus the TOC entry: its diffID is the codec's own.
    static constexpr uint32_t flags = LADING_COMPRESSOR_OWN_DIFF_ID;

    // An eStargz blob starts like any gzip stream; only its footer tells them apart, and
    // the gzip plugin already claims the format.
    static bool detect(const uint8_t*, size_t) { return false; }

    static std::unique_ptr<sdk::codec> make_compressor(int32_t level, uint32_t threads)
    {
        if (level < level_min || level > level_max)
            throw std::invalid_argument("estargz: level " + std::to_string(level) + " is outside 0..9");
        return std::make_unique<estargz_compressor>(level, threads);
    }

    static std::unique_ptr<sdk::codec> make_decompressor() { return std::make_unique<gzip::gzip_decompressor>(); }
};

}  // namespace lading::plugins::estargz

LADING_EXPORT_PLUGIN(lading::sdk::compressor_table<lading::plugins::estargz::estargz_format>::table)
