// The host's view of a compressor plugin: level checks, format detection, and streams.
#pragma once

#include <lading/stream/byte_source.hpp>
#include <lading/plugin/catalog.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lading::plugin {

class codec_stream;

class compressor {
public:
    explicit compressor(const loaded_plugin& plugin);

    std::string name() const { return table_->header.name; }
    std::string media_suffix() const { return table_->media_suffix; }
    int level_min() const { return table_->level_min; }
    int level_max() const { return table_->level_max; }
    int level_default() const { return table_->level_default; }
    bool detect(std::span<const std::uint8_t> head) const;
    // True when the codec rewrites the tar stream and reports the diffID of what it wrote
    // (LADING_COMPRESSOR_OWN_DIFF_ID); read only from a table that has the flags field.
    bool reports_own_diff_id() const;

    std::unique_ptr<codec_stream> compress(int level, unsigned threads) const;
    std::unique_ptr<codec_stream> decompress() const;

private:
    std::shared_ptr<void> library_;
    const lading_compressor_v1* table_;
};

// One running compression or decompression; destroys the plugin handle on destruction.
class codec_stream {
public:
    codec_stream(std::shared_ptr<void> library, const lading_compressor_v1* table, lading_codec* handle, std::string what);
    ~codec_stream();
    codec_stream(const codec_stream&) = delete;
    codec_stream& operator=(const codec_stream&) = delete;

    // Feeds input; returns true when finished (only possible with finish = true).
    bool transform(lading_stream_io& io, bool finish);
    std::string annotations_json() const;
    std::string diff_id() const;

private:
    std::shared_ptr<void> library_;
    const lading_compressor_v1* table_;
    lading_codec* handle_;
    std::string what_;
};

// Decompresses a source whose format a compressor plugin detects; passes through bytes
// that no compressor claims but "uncompressed" (plain tar) does.
class decompressing_source : public byte_source {
public:
    // `what` names the input in errors, e.g. "layer base.tar.gz".
    decompressing_source(std::unique_ptr<byte_source> inner, std::unique_ptr<codec_stream> codec, std::string what);
    std::size_t read(std::span<std::uint8_t> buf) override;

private:
    std::unique_ptr<byte_source> inner_;
    std::unique_ptr<codec_stream> codec_;
    std::string what_;
    std::vector<std::uint8_t> in_;
    std::size_t in_pos_ = 0, in_len_ = 0;
    bool in_eof_ = false, done_ = false;
};

// A source that first yields `head` and then the rest of `inner`.
class prefixed_source : public byte_source {
public:
    prefixed_source(std::vector<std::uint8_t> head, std::unique_ptr<byte_source> inner);
    std::size_t read(std::span<std::uint8_t> buf) override;

private:
    std::vector<std::uint8_t> head_;
    std::size_t pos_ = 0;
    std::unique_ptr<byte_source> inner_;
};

}  // namespace lading::plugin
