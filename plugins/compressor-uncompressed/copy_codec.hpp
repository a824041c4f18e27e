// The identity codec: both directions of the "uncompressed" format.
#pragma once

#include <lading/sdk/compressor.hpp>

namespace lading::plugins::uncompressed {

class copy_codec final : public sdk::codec {
public:
    lading_status transform(lading_stream_io& io, bool finish) override;
};

}  // namespace lading::plugins::uncompressed
