#include "gunzip_stream.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace lading::plugins::estargz {

namespace {

constexpr int gzip_window_bits = 16 + MAX_WBITS;

[[noreturn]] void corrupt() { throw std::runtime_error("estargz: corrupt or truncated gzip stream"); }

uInt at_most_uint(std::size_t n) { return static_cast<uInt>(std::min<std::size_t>(n, std::numeric_limits<uInt>::max())); }

}  // namespace

gunzip_stream::gunzip_stream()
{
    if (inflateInit2(&stream_, gzip_window_bits) != Z_OK) throw std::runtime_error("estargz: cannot initialise zlib");
}

gunzip_stream::~gunzip_stream() { inflateEnd(&stream_); }

lading_status gunzip_stream::transform(lading_stream_io& io, bool finish)
{
    for (;;) {
        if (between_members_) {
            if (io.avail_in == 0) return finish ? LADING_DONE : LADING_OK;
            if (inflateReset(&stream_) != Z_OK) corrupt();
            between_members_ = false;
        }
        if (io.avail_out == 0) return LADING_OK;

        stream_.next_in = const_cast<Bytef*>(io.next_in);
        stream_.avail_in = at_most_uint(io.avail_in);
        stream_.next_out = io.next_out;
        stream_.avail_out = at_most_uint(io.avail_out);
        const uInt in_before = stream_.avail_in, out_before = stream_.avail_out;
        int rc = inflate(&stream_, Z_NO_FLUSH);
        const std::size_t used = in_before - stream_.avail_in, made = out_before - stream_.avail_out;
        io.next_in += used;
        io.avail_in -= used;
        io.next_out += made;
        io.avail_out -= made;

        if (rc == Z_STREAM_END) {
            between_members_ = true;
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) corrupt();
        if (io.avail_out == 0 || (io.avail_in == 0 && !finish)) return LADING_OK;
        // Everything offered, room to spare and no progress: the stream stops mid-member.
        if (used == 0 && made == 0) corrupt();
    }
}

}  // namespace lading::plugins::estargz
