#include "zstd_check.hpp"

#include <zstd.h>

#include <stdexcept>
#include <string>

namespace lading::plugins::zstd {

std::size_t check(std::size_t result, const char* what)
{
    if (ZSTD_isError(result))
        throw std::runtime_error(std::string("zstd: ") + what + ": " + ZSTD_getErrorName(result));
    return result;
}

}  // namespace lading::plugins::zstd
