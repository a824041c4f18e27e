#include "deflate_encoder_choice.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lading::plugins::gzip {

namespace {

#if defined(__x86_64__)
constexpr int default_isal_level_max = 2;
#else
constexpr int default_isal_level_max = 0;
#endif
constexpr int isal_level_max = 3;

}  // namespace

deflate_encoder encoder_for_level(int level)
{
    const char* set = std::getenv("LADING_GZIP_ENCODER");
    const std::string_view asked = set == nullptr ? "" : set;
    int isal_up_to = default_isal_level_max;
    if (asked == "isal")
        isal_up_to = isal_level_max;
    else if (asked == "libdeflate")
        isal_up_to = 0;
    else if (!asked.empty())
        throw std::invalid_argument("gzip: LADING_GZIP_ENCODER is \"" + std::string(asked) +
                                    "\"; it takes isal or libdeflate");
    return level >= 1 && level <= isal_up_to ? deflate_encoder::isal : deflate_encoder::libdeflate;
}

}  // namespace lading::plugins::gzip
