// The "gzip" compressor plugin.
#include "gzip_compressor.hpp"
#include "gzip_decompressor.hpp"

#include <lading/sdk/compressor.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace lading::plugins::gzip {

struct gzip_format {
    static constexpr const char* name = "gzip";
    static constexpr const char* version = "0.1.0";
    static constexpr const char* media_suffix = "gzip";
    static constexpr int32_t level_min = 0;
    static constexpr int32_t level_max = 9;
    static constexpr int32_t level_default = 6;

    // ID1, ID2 and CM = deflate, the only method gzip defines.
    static bool detect(const uint8_t* head, size_t len)
    {
        return head != nullptr && len >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 0x08;
    }

    static std::unique_ptr<sdk::codec> make_compressor(int32_t level, uint32_t threads)
    {
        if (level < level_min || level > level_max)
            throw std::invalid_argument("gzip: level " + std::to_string(level) + " is outside 0..9");
        // libdeflate levels 0..9 mean what gzip's do (0 = stored); 10..12 are not offered.
        return std::make_unique<gzip_compressor>(level, threads);
    }

    static std::unique_ptr<sdk::codec> make_decompressor() { return std::make_unique<gzip_decompressor>(); }
};

}  // namespace lading::plugins::gzip

LADING_EXPORT_PLUGIN(lading::sdk::compressor_table<lading::plugins::gzip::gzip_format>::table)
