#include <lading/error.hpp>
#include "layer/layer_builder.hpp"
#include "export/interruption.hpp"
#include "stream/read_ahead_source.hpp"

#include <boost/json/parse.hpp>

#include <vector>

namespace lading::layer {

namespace {
constexpr std::size_t buffer_size = 1 << 20;
// The tar stream is made (files read, archives decompressed) and hashed for the diffID
// on a thread of its own, while this one compresses. The compressor takes input in jobs
// (zstd: 4 MiB at the default level); 4 MiB waiting lets a worker that frees up get its
// next job at once. 8 or 16 MiB gave no faster export of the bench corpus, only more memory.
constexpr std::size_t read_ahead_chunks = 4;

annotation_map parse_annotations(const std::string& json, const std::string& codec)
{
    annotation_map out;
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    if (ec || !v.is_object()) throw error(codec + " compressor returned invalid layer annotations");
    for (const auto& kv : v.get_object())
        if (kv.value().is_string()) out[std::string(kv.key())] = std::string(kv.value().get_string());
    return out;
}
}  // namespace

built_layer build_layer(byte_source& tar_stream, const compression_choice& compression, const blob_sink& sink,
                        progress_listener& progress, std::size_t progress_id)
{
    std::vector<std::uint8_t> out(buffer_size);
    sha256_hasher diff_hash, blob_hash;
    const bool hash_input = compression.input_digest_needed || !compression.codec->reports_own_diff_id();
    read_ahead_source ahead(tar_stream, buffer_size, read_ahead_chunks, [&](std::span<const std::uint8_t> chunk) {
        if (hash_input) diff_hash.update(chunk);
    });
    std::uint64_t tar_bytes = 0;
    auto output = sink.begin();
    auto codec = compression.codec->compress(compression.level, compression.threads);

    auto drain = [&](lading_stream_io& io) {
        std::size_t produced = out.size() - io.avail_out;
        if (produced == 0) return;
        std::span<const std::uint8_t> bytes(out.data(), produced);
        blob_hash.update(bytes);
        output->write(bytes);
        io.next_out = out.data();
        io.avail_out = out.size();
    };

    bool eof = false, done = false;
    std::uint64_t reported = 0;
    while (!done) {
        throw_if_stopped(compression.stop, "while building a layer");
        const auto in = eof ? std::span<const std::uint8_t>() : ahead.next_chunk();
        if (in.empty()) eof = true;
        tar_bytes += in.size();
        static constexpr std::uint8_t nothing = 0;  // plugins never see a null input pointer
        lading_stream_io io{in.empty() ? &nothing : in.data(), in.size(), out.data(), out.size()};
        // Once a chunk is taken in, the next chunk comes before any more output is asked
        // for: a multi-threaded codec asked for output with no input to take waits for its
        // oldest job, and the workers that finish meanwhile get no new job. (Draining zstd
        // that way left both workers idle about once every two jobs.) Output that is not
        // ready yet comes out with later calls, at the latest while finishing.
        for (;;) {
            done = codec->transform(io, eof);
            drain(io);
            if (done || (io.avail_in == 0 && !eof)) break;
        }
        if (tar_bytes - reported >= (8u << 20) || done) {
            reported = tar_bytes;
            progress.layer_progress(progress_id, tar_bytes, blob_hash.bytes());
        }
    }

    built_layer layer;
    layer.uncompressed_size = tar_bytes;
    layer.size = blob_hash.bytes();
    layer.blob = blob_hash.finish();
    // The read-ahead thread ended with the stream: its hash of the tar is complete.
    if (hash_input) layer.input_digest = diff_hash.finish();
    layer.diff_id = layer.input_digest;
    if (auto own = codec->diff_id(); !own.empty())
        layer.diff_id = digest::parse_or_throw(own, "compressor diffID");
    else if (!hash_input)
        throw error(compression.codec->name() + " compressor declares its own diffID but reported none");
    layer.annotations = parse_annotations(codec->annotations_json(), compression.codec->name());
    layer.media_suffix = compression.codec->media_suffix();
    output->written(layer.blob);
    layer.pending = std::move(output);
    return layer;
}

}  // namespace lading::layer
