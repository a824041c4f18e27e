// Streaming gzip decompression with zlib, accepting any number of concatenated members.
#pragma once

#include <lading/sdk/compressor.hpp>

#include <zlib.h>

namespace lading::plugins::gzip {

class gzip_decompressor final : public sdk::codec {
public:
    gzip_decompressor();
    ~gzip_decompressor() override;
    gzip_decompressor(const gzip_decompressor&) = delete;
    gzip_decompressor& operator=(const gzip_decompressor&) = delete;

    lading_status transform(lading_stream_io& io, bool finish) override;

private:
    z_stream stream_{};
    // The last member ended exactly where the input consumed so far ends.
    bool at_member_end_ = false;
};

}  // namespace lading::plugins::gzip
