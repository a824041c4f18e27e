#include "gzip_decompressor.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace lading::plugins::gzip {

namespace {

constexpr int gzip_only_window_bits = 16 + MAX_WBITS;

[[noreturn]] void fail() { throw std::runtime_error("gzip: corrupt or truncated stream"); }

uInt clamp_to_uint(std::size_t n)
{
    return static_cast<uInt>(std::min<std::size_t>(n, std::numeric_limits<uInt>::max()));
}

}  // namespace

gzip_decompressor::gzip_decompressor()
{
    if (inflateInit2(&stream_, gzip_only_window_bits) != Z_OK)
        throw std::runtime_error("gzip: cannot initialise zlib");
}

gzip_decompressor::~gzip_decompressor() { inflateEnd(&stream_); }

lading_status gzip_decompressor::transform(lading_stream_io& io, bool finish)
{
    for (;;) {
        if (at_member_end_) {
            if (io.avail_in == 0) return finish ? LADING_DONE : LADING_OK;
            if (inflateReset(&stream_) != Z_OK) fail();
            at_member_end_ = false;
        }
        if (io.avail_out == 0) return LADING_OK;

        stream_.next_in = const_cast<Bytef*>(io.next_in);
        stream_.avail_in = clamp_to_uint(io.avail_in);
        stream_.next_out = io.next_out;
        stream_.avail_out = clamp_to_uint(io.avail_out);
        uInt offered_in = stream_.avail_in;
        uInt offered_out = stream_.avail_out;

        int rc = inflate(&stream_, Z_NO_FLUSH);

        std::size_t consumed = offered_in - stream_.avail_in;
        std::size_t produced = offered_out - stream_.avail_out;
        io.next_in += consumed;
        io.avail_in -= consumed;
        io.next_out += produced;
        io.avail_out -= produced;

        if (rc == Z_STREAM_END) {
            at_member_end_ = true;
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) fail();
        if (io.avail_out == 0) return LADING_OK;
        if (io.avail_in == 0 && !finish) return LADING_OK;
        // With all input in (or input and room left) and no progress, the member is cut short.
        if (consumed == 0 && produced == 0) fail();
    }
}

}  // namespace lading::plugins::gzip
