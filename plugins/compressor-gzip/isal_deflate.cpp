#include "isal_deflate.hpp"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace lading::plugins::gzip {

namespace {

// igzip's "large" working buffer per level. Its size decides where deflate blocks end, so
// it is fixed here rather than left to ISA-L's defaults.
std::uint32_t level_buffer_size(int level)
{
    switch (level) {
    case 1: return ISAL_DEF_LVL1_LARGE;
    case 2: return ISAL_DEF_LVL2_LARGE;
    case 3: return ISAL_DEF_LVL3_LARGE;
    }
    throw std::invalid_argument("gzip: ISA-L has no level " + std::to_string(level));
}

constexpr std::size_t stored_block_max = 65535;
constexpr std::size_t stored_block_header = 5;

}  // namespace

isal_deflate::isal_deflate(int level, std::uint32_t stream_bucket)
    : level_(level),
      slot_(stream_bucket),
      level_buffer_size_(level_buffer_size(level))
{
    level_buffer_ = std::make_unique<std::uint8_t[]>(level_buffer_size_);
}

isal_deflate::~isal_deflate() = default;

std::size_t isal_deflate::bound(std::size_t length)
{
    return length + stored_block_header * (length / stored_block_max + 1);
}

std::size_t isal_deflate::compress(std::span<const std::uint8_t> input, std::span<std::uint8_t> out)
{
    constexpr std::size_t limit = std::numeric_limits<std::uint32_t>::max();
    if (input.size() > limit / 2 || out.size() < bound(input.size()))
        throw std::logic_error("gzip: ISA-L buffer sizes out of range");
    // Every call starts from a zeroed stream and level buffer (~350 KiB of memset), so that
    // nothing of the previous chunk, compressed on whichever thread, reaches this one.
    isal_zstream& s = *slot_.stream();
    std::memset(&s, 0, sizeof s);
    std::memset(level_buffer_.get(), 0, level_buffer_size_);
    isal_deflate_stateless_init(&s);
    s.level = static_cast<std::uint32_t>(level_);
    s.level_buf = level_buffer_.get();
    s.level_buf_size = level_buffer_size_;
    s.gzip_flag = IGZIP_DEFLATE;  // raw deflate: the member framing is ours
    s.flush = NO_FLUSH;
    s.end_of_stream = 1;
    s.next_in = const_cast<std::uint8_t*>(input.data());
    s.avail_in = static_cast<std::uint32_t>(input.size());
    s.next_out = out.data();
    s.avail_out = static_cast<std::uint32_t>(std::min(out.size(), limit));
    int rc = isal_deflate_stateless(&s);
    if (rc != COMP_OK || s.avail_in != 0)
        throw std::runtime_error("gzip: ISA-L deflate failed (code " + std::to_string(rc) + ")");
    return s.total_out;
}

}  // namespace lading::plugins::gzip
