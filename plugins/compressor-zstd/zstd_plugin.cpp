// The "zstd" compressor plugin.
#include "zstd_compressor.hpp"
#include "zstd_decompressor.hpp"

#include <lading/sdk/compressor.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace lading::plugins::zstd {

struct zstd_format {
    static constexpr const char* name = "zstd";
    static constexpr const char* version = "0.1.0";
    static constexpr const char* media_suffix = "zstd";
    static constexpr int32_t level_min = 1;
    static constexpr int32_t level_max = 22;
    static constexpr int32_t level_default = 3;

    // The frame magic number 0xFD2FB528, little-endian.
    static bool detect(const uint8_t* head, size_t len)
    {
        return head != nullptr && len >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f &&
               head[3] == 0xfd;
    }

    static std::unique_ptr<sdk::codec> make_compressor(int32_t level, uint32_t threads)
    {
        if (level < level_min || level > level_max)
            throw std::invalid_argument("zstd: level " + std::to_string(level) + " is outside 1..22");
        return std::make_unique<zstd_compressor>(level, threads);
    }

    static std::unique_ptr<sdk::codec> make_decompressor() { return std::make_unique<zstd_decompressor>(); }
};

}  // namespace lading::plugins::zstd

LADING_EXPORT_PLUGIN(lading::sdk::compressor_table<lading::plugins::zstd::zstd_format>::table)
