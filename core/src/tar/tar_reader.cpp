#include <lading/error.hpp>
#include "tar/tar_reader.hpp"

#include <algorithm>

namespace lading::tar {

namespace {

using formats::ustar::header_decoder;

read_entry to_read_entry(const formats::ustar::decoded_entry& d)
{
    read_entry out;
    auto& h = out.header;
    h.name = d.name;
    h.link_name = d.link_name;
    h.type = d.kind;
    h.mode = static_cast<std::uint32_t>(d.mode) & 07777;
    h.uid = d.uid;
    h.gid = d.gid;
    h.mtime = d.mtime;
    h.size = d.size;
    if (h.type == entry_type::char_device || h.type == entry_type::block_device) {
        h.dev_major = d.dev_major;
        h.dev_minor = d.dev_minor;
    }
    h.xattrs = d.xattrs;
    out.mtime_nanoseconds = d.mtime_nanoseconds;
    return out;
}

}  // namespace

std::string printable_name(std::string_view name) { return formats::ustar::printable_name(name); }

tar_reader::tar_reader(byte_source& src, std::string what) : src_(src), what_(std::move(what)) {}

void tar_reader::fail(const std::string& message) const { throw error(what_ + " is not a valid tar archive: " + message); }

void tar_reader::read_exact(char* out, std::size_t n, const char* during)
{
    std::size_t got = 0;
    while (got < n) {
        auto r = src_.read(std::span(reinterpret_cast<std::uint8_t*>(out) + got, n - got));
        if (r == 0) fail(std::string("it ends inside ") + during + " at offset " + std::to_string(offset_ + got));
        got += r;
    }
    offset_ += n;
}

void tar_reader::skip(std::uint64_t n, const char* during)
{
    char buf[65536];
    while (n > 0) {
        auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, sizeof buf));
        read_exact(buf, chunk, during);
        n -= chunk;
    }
}

// False at the end of the input; a partial block is an error.
bool tar_reader::read_block(char* block)
{
    std::size_t got = 0;
    while (got < block_size) {
        auto r = src_.read(std::span(reinterpret_cast<std::uint8_t*>(block) + got, block_size - got));
        if (r == 0) break;
        got += r;
    }
    if (got == 0) return false;
    if (got < block_size) fail("it ends inside a 512-byte block at offset " + std::to_string(offset_));
    offset_ += block_size;
    return true;
}

std::optional<read_entry> tar_reader::next()
{
    if (ended_) return std::nullopt;
    skip(content_left_ + padding_left_, "an entry's content");
    content_left_ = 0;
    padding_left_ = 0;

    entry_offset_ = offset_;
    for (;;) {
        const auto block_offset = offset_;
        char block[block_size];
        try {
            if (!read_block(block)) {
                decoder_.take_end_of_input();
                ended_ = true;
                return std::nullopt;
            }
            const auto bytes = std::span<const std::uint8_t, block_size>(reinterpret_cast<const std::uint8_t*>(block), block_size);
            switch (decoder_.take_block(bytes)) {
            case header_decoder::step::first_zero_block: continue;
            case header_decoder::step::end: ended_ = true; return std::nullopt;
            case header_decoder::step::extension: {
                // The decoder bounded the size before anything is read.
                std::string body(static_cast<std::size_t>(decoder_.extension_size()), '\0');
                read_exact(body.data(), body.size(), "an extended header");
                skip(padding_for(body.size()), "an extended header");
                decoder_.take_extension(body);
                continue;
            }
            case header_decoder::step::entry: {
                auto out = to_read_entry(decoder_.entry());
                content_left_ = out.header.size;
                padding_left_ = padding_for(content_left_);
                return out;
            }
            }
        } catch (const formats::format_error& e) {
            fail(std::string(e.what()) + " (block at offset " + std::to_string(block_offset) + ")");
        }
    }
}

std::size_t tar_reader::read_content(std::span<std::uint8_t> buf)
{
    if (content_left_ == 0 || buf.empty()) return 0;
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), content_left_));
    auto n = src_.read(buf.first(want));
    if (n == 0) fail("it ends inside an entry's content at offset " + std::to_string(offset_));
    offset_ += n;
    content_left_ -= n;
    return n;
}

}  // namespace lading::tar
