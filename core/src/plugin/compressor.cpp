#include <lading/error.hpp>
#include "plugin/compressor.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace lading::plugin {

compressor::compressor(const loaded_plugin& plugin)
    : library_(plugin.library), table_(reinterpret_cast<const lading_compressor_v1*>(plugin.header))
{
}

bool compressor::detect(std::span<const std::uint8_t> head) const { return table_->detect(head.data(), head.size()) == 1; }

bool compressor::reports_own_diff_id() const
{
    const bool has_flags = table_->header.struct_size >= offsetof(lading_compressor_v1, flags) + sizeof(table_->flags);
    return has_flags && (table_->flags & LADING_COMPRESSOR_OWN_DIFF_ID) != 0;
}

std::unique_ptr<codec_stream> compressor::compress(int level, unsigned threads) const
{
    char err[512] = {};
    auto* h = table_->compressor_new(level, threads, err, sizeof err);
    if (!h) throw error(name() + " compressor could not start: " + err);
    return std::make_unique<codec_stream>(library_, table_, h, name() + " compression");
}

std::unique_ptr<codec_stream> compressor::decompress() const
{
    char err[512] = {};
    auto* h = table_->decompressor_new(err, sizeof err);
    if (!h) throw error(name() + " decompressor could not start: " + err);
    return std::make_unique<codec_stream>(library_, table_, h, name() + " decompression");
}

codec_stream::codec_stream(std::shared_ptr<void> library, const lading_compressor_v1* table, lading_codec* handle,
                           std::string what)
    : library_(std::move(library)), table_(table), handle_(handle), what_(std::move(what))
{
}

codec_stream::~codec_stream() { table_->destroy(handle_); }

bool codec_stream::transform(lading_stream_io& io, bool finish)
{
    int status = table_->transform(handle_, &io, finish ? 1 : 0);
    if (status == LADING_ERROR) throw error(what_ + " failed: " + table_->last_error(handle_));
    return status == LADING_DONE;
}

std::string codec_stream::annotations_json() const { return table_->annotations_json(handle_); }
std::string codec_stream::diff_id() const { return table_->diff_id(handle_); }

decompressing_source::decompressing_source(std::unique_ptr<byte_source> inner, std::unique_ptr<codec_stream> codec,
                                           std::string what)
    : inner_(std::move(inner)), codec_(std::move(codec)), what_(std::move(what)), in_(1 << 20)
{
}

std::size_t decompressing_source::read(std::span<std::uint8_t> buf)
{
    if (done_ || buf.empty()) return 0;
    for (;;) {
        if (in_pos_ == in_len_ && !in_eof_) {
            in_len_ = inner_->read(in_);
            in_pos_ = 0;
            in_eof_ = in_len_ == 0;
        }
        lading_stream_io io{in_.data() + in_pos_, in_len_ - in_pos_, buf.data(), buf.size()};
        bool finished = false;
        try {
            finished = codec_->transform(io, in_eof_);
        } catch (const error& e) {
            throw error(what_ + ": " + e.what());
        }
        in_pos_ = in_len_ - io.avail_in;
        std::size_t produced = buf.size() - io.avail_out;
        if (finished) done_ = true;
        if (produced > 0 || finished) return produced;
    }
}

prefixed_source::prefixed_source(std::vector<std::uint8_t> head, std::unique_ptr<byte_source> inner)
    : head_(std::move(head)), inner_(std::move(inner))
{
}

std::size_t prefixed_source::read(std::span<std::uint8_t> buf)
{
    if (pos_ < head_.size()) {
        auto n = std::min(buf.size(), head_.size() - pos_);
        std::memcpy(buf.data(), head_.data() + pos_, n);
        pos_ += n;
        return n;
    }
    return inner_->read(buf);
}

}  // namespace lading::plugin
