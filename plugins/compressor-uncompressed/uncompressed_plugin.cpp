// The "uncompressed" compressor plugin: layers stored as plain tar.
#include "copy_codec.hpp"
#include "tar_detect.hpp"

#include <lading/sdk/compressor.hpp>

#include <memory>
#include <stdexcept>

namespace lading::plugins::uncompressed {

struct uncompressed_format {
    static constexpr const char* name = "uncompressed";
    static constexpr const char* version = "0.1.0";
    static constexpr const char* media_suffix = "";
    static constexpr int32_t level_min = 0;
    static constexpr int32_t level_max = 0;
    static constexpr int32_t level_default = 0;

    static bool detect(const uint8_t* head, size_t len) { return looks_like_tar(head, len); }

    static std::unique_ptr<sdk::codec> make_compressor(int32_t level, uint32_t /*threads*/)
    {
        if (level != 0) throw std::invalid_argument("uncompressed: the only level is 0");
        return std::make_unique<copy_codec>();
    }

    static std::unique_ptr<sdk::codec> make_decompressor() { return std::make_unique<copy_codec>(); }
};

}  // namespace lading::plugins::uncompressed

LADING_EXPORT_PLUGIN(lading::sdk::compressor_table<lading::plugins::uncompressed::uncompressed_format>::table)
