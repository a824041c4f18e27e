// Decompression: an eStargz blob is an ordinary multi-member gzip stream (the footer is
// an empty member), so this is plain gzip decompression of any number of members.
#pragma once

#include <lading/sdk/compressor.hpp>

#include <zlib.h>

namespace lading::plugins::estargz {

class gunzip_stream final : public sdk::codec {
public:
    gunzip_stream();
    ~gunzip_stream() override;
    gunzip_stream(const gunzip_stream&) = delete;
    gunzip_stream& operator=(const gunzip_stream&) = delete;

    lading_status transform(lading_stream_io& io, bool finish) override;

private:
    z_stream stream_{};
    bool between_members_ = false;  // the last member ended where the input read so far ends
};

}  // namespace lading::plugins::estargz
