// The "estargz" compression stream: a tar stream in, an eStargz blob out, and at the end
// the TOC digest and uncompressed size as layer annotations plus the blob's own diffID.
#pragma once

#include "blob_builder.hpp"
#include "tar_scanner.hpp"

#include <lading/sdk/compressor.hpp>

#include <cstdint>
#include <vector>

namespace lading::plugins::estargz {

class estargz_compressor final : public sdk::codec {
public:
    estargz_compressor(int level, unsigned threads);
    lading_status transform(lading_stream_io& io, bool finish) override;
    std::string annotations_json() const override;
    std::string diff_id() const override;

private:

    blob_builder builder_;
    tar_scanner scanner_;
    bool finished_ = false;
    gzip::byte_buffer pending_;  // output being handed out across calls
    std::size_t pending_pos_ = 0;
};

}  // namespace lading::plugins::estargz
