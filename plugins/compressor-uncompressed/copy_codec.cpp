#include "copy_codec.hpp"

#include <algorithm>
#include <cstring>

namespace lading::plugins::uncompressed {

lading_status copy_codec::transform(lading_stream_io& io, bool finish)
{
    std::size_t n = std::min(io.avail_in, io.avail_out);
    if (n > 0) {
        std::memcpy(io.next_out, io.next_in, n);
        io.next_in += n;
        io.avail_in -= n;
        io.next_out += n;
        io.avail_out -= n;
    }
    return finish && io.avail_in == 0 ? LADING_DONE : LADING_OK;
}

}  // namespace lading::plugins::uncompressed
