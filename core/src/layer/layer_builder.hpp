// Turns one layer source into one compressed blob: tar bytes → compressor → sink, with
// the diffID and the blob digest hashed in the same pass. The tar stream is read and
// hashed a few fixed-size chunks ahead on a thread of its own; memory stays fixed
// whatever the layer's size.
#pragma once

#include "export/blob_sink.hpp"
#include <lading/stream/byte_source.hpp>
#include <lading/oci/descriptor.hpp>
#include "plugin/compressor.hpp"
#include <lading/progress.hpp>

#include <stop_token>

namespace lading::layer {

struct built_layer {
    digest blob;
    std::uint64_t size = 0;
    digest diff_id;
    // The sha256 of the tar stream given; equal to diff_id unless the compressor rewrites the
    // archive (estargz adds its TOC). Empty when the compressor reports its own diffID and the
    // caller did not ask for it (compression_choice::input_digest_needed).
    digest input_digest;
    std::uint64_t uncompressed_size = 0;
    annotation_map annotations;  // from the compressor (e.g. estargz's TOC digest)
    std::string media_suffix;
    // The blob's bytes, written but not yet committed: the caller commits every layer of an
    // export together, once all of them succeeded, so a failure leaves the store unchanged.
    std::unique_ptr<blob_output> pending;
};

struct compression_choice {
    const plugin::compressor* codec = nullptr;
    int level = 0;
    unsigned threads = 1;
    std::stop_token stop;  // checked between chunks: the build ends with errc::interrupted
    // The caller reads built_layer::input_digest (a conversion checks it against the base
    // image's diffID). Otherwise the input is hashed only when the diffID is its hash.
    bool input_digest_needed = false;
};

built_layer build_layer(byte_source& tar_stream, const compression_choice& compression, const blob_sink& sink,
                        progress_listener& progress, std::size_t progress_id);

}  // namespace lading::layer
