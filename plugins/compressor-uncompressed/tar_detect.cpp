#include "tar_detect.hpp"

#include <cstring>

namespace lading::plugins::uncompressed {

namespace {
constexpr std::size_t magic_offset = 257;
constexpr char magic[] = "ustar";
constexpr std::size_t magic_len = sizeof(magic) - 1;
}  // namespace

bool looks_like_tar(const std::uint8_t* head, std::size_t len)
{
    if (head == nullptr || len < magic_offset + magic_len) return false;
    return std::memcmp(head + magic_offset, magic, magic_len) == 0;
}

}  // namespace lading::plugins::uncompressed
