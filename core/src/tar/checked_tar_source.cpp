#include <lading/error.hpp>
#include <lading/formats/pax_records.hpp>
#include "tar/checked_tar_source.hpp"
#include "tar/entry.hpp"
#include "tar/tar_reader.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

namespace lading::tar {

namespace {

using formats::ustar::header_decoder;

// Clamps the time records of a PAX extended header body; every record is written anew.
std::string clamp_pax_records(std::string_view body, std::int64_t clamp)
{
    std::string out;
    for (const auto& [key, value] : formats::pax::parse_records(body)) {
        std::string_view kept = value;
        const std::string clamped = std::to_string(clamp);
        if (key == "mtime" || key == "atime" || key == "ctime") {
            auto t = formats::pax::parse_time(value);
            if (t && (t->seconds > clamp || (t->seconds == clamp && t->nanoseconds > 0))) kept = clamped;
        }
        out += formats::pax::encode_record(key, kept);
    }
    return out;
}

// A name as a path relative to the layer's root: "./a//b/" is "a/b", "." is "". Empty
// when it is absolute or holds a ".." component (it would reach outside the layer).
std::optional<std::string> inside_layer_name(std::string_view name)
{
    if (name.starts_with('/')) return std::nullopt;
    std::string out;
    std::size_t pos = 0;
    while (pos <= name.size()) {
        auto slash = name.find('/', pos);
        if (slash == std::string_view::npos) slash = name.size();
        const auto part = name.substr(pos, slash - pos);
        if (part == "..") return std::nullopt;
        if (!part.empty() && part != ".") {
            if (!out.empty()) out += '/';
            out += part;
        }
        pos = slash + 1;
    }
    return out;
}

std::span<const std::uint8_t, block_size> as_block(const std::string& b)
{
    return std::span<const std::uint8_t, block_size>(reinterpret_cast<const std::uint8_t*>(b.data()), block_size);
}

}  // namespace

checked_tar_source::checked_tar_source(std::unique_ptr<byte_source> inner, std::optional<std::int64_t> clamp,
                                       std::string what, entry_names names)
    : inner_(std::move(inner)), clamp_(clamp), what_(std::move(what)), names_(names)
{
}

void checked_tar_source::check_names(const formats::ustar::decoded_entry& e)
{
    const auto name = inside_layer_name(e.name);
    if (!name)
        throw error(what_ + ": the entry " + printable_name(e.name) +
                    " could reach outside the layer (absolute names and \"..\" components are refused)");
    if (e.kind == formats::ustar::entry_kind::hardlink) {
        const auto target = inside_layer_name(e.link_name);
        const auto hash = target ? std::hash<std::string>{}(*target) : 0;
        if (target && directories_.count(hash) && !seen_.count(hash))
            throw error(what_ + ": the hardlink " + printable_name(e.name) + " points at " +
                        printable_name(e.link_name) + ", a directory (hardlinks to directories are refused)");
        if (!target || !seen_.count(hash))
            throw error(what_ + ": the hardlink " + printable_name(e.name) + " points at " +
                        printable_name(e.link_name) + ", which no earlier entry of the layer names");
    }
    (e.kind == formats::ustar::entry_kind::directory ? directories_ : seen_).insert(std::hash<std::string>{}(*name));
}

void checked_tar_source::clamp_header_mtime(std::string& block) const
{
    auto stored = formats::ustar::decode_number(std::string_view(block).substr(136, 12));
    if (stored && *stored > *clamp_) {
        formats::ustar::encode_octal(block.data() + 136, 12, static_cast<std::uint64_t>(*clamp_));
        formats::ustar::set_checksum(block.data());
    }
}

void checked_tar_source::fail(const std::string& message) const
{
    throw error(what_ + " is not a valid tar archive: " + message);
}

bool checked_tar_source::fill_block(std::string& block)
{
    block.assign(block_size, '\0');
    std::size_t got = 0;
    while (got < block_size) {
        auto n = inner_->read(std::span(reinterpret_cast<std::uint8_t*>(block.data()) + got, block_size - got));
        if (n == 0) break;
        got += n;
    }
    offset_ += got;
    if (got == 0) return false;
    if (got < block_size) fail("it ends inside a 512-byte block");
    return true;
}

void checked_tar_source::next_record()
{
    pending_.clear();
    pending_pos_ = 0;
    const auto block_offset = offset_;
    std::string block;
    try {
        if (!fill_block(block)) {
            decoder_.take_end_of_input();
            eof_ = true;
            return;
        }
        take_header(std::move(block));
    } catch (const formats::format_error& e) {
        fail(std::string(e.what()) + " (block at offset " + std::to_string(block_offset) + ")");
    }
}

void checked_tar_source::take_header(std::string block)
{
    switch (decoder_.take_block(as_block(block))) {
    case header_decoder::step::first_zero_block: break;
    case header_decoder::step::end: ended_ = true; break;
    case header_decoder::step::extension: {
        // The decoder bounded the size before anything is read.
        const auto size = static_cast<std::size_t>(decoder_.extension_size());
        std::string body;
        std::string b;
        while (body.size() < size + padding_for(size)) {
            if (!fill_block(b)) fail("it ends inside an extended header");
            body += b;
        }
        decoder_.take_extension(std::string_view(body).substr(0, size));
        if (block[156] == 'x' && clamp_) {
            body = clamp_pax_records(std::string_view(body).substr(0, size), *clamp_);
            formats::ustar::encode_octal(block.data() + 124, 12, body.size());
            formats::ustar::set_checksum(block.data());
            body.append(padding_for(body.size()), '\0');
        }
        // An extended header's own mtime field (git archive writes the commit time there).
        if (clamp_) clamp_header_mtime(block);
        block += body;
        break;
    }
    case header_decoder::step::entry: {
        const auto& e = decoder_.entry();
        if (names_ == entry_names::inside_layer) check_names(e);
        // The header's own field; a PAX mtime was clamped in its record.
        if (clamp_) clamp_header_mtime(block);
        content_left_ = e.size + padding_for(e.size);
        break;
    }
    }
    pending_ = std::move(block);
}

std::size_t checked_tar_source::read(std::span<std::uint8_t> buf)
{
    std::size_t filled = 0;
    while (filled < buf.size() && !eof_) {
        if (pending_pos_ < pending_.size()) {
            auto n = std::min(buf.size() - filled, pending_.size() - pending_pos_);
            std::memcpy(buf.data() + filled, pending_.data() + pending_pos_, n);
            pending_pos_ += n;
            filled += n;
            continue;
        }
        if (ended_) {  // whatever follows the end-of-archive marker passes through as is
            auto n = inner_->read(buf.subspan(filled));
            if (n == 0) eof_ = true;
            filled += n;
            continue;
        }
        if (content_left_ > 0) {
            auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - filled, content_left_));
            auto n = inner_->read(buf.subspan(filled, want));
            if (n == 0) fail("it ends inside an entry's content");
            content_left_ -= n;
            offset_ += n;
            filled += n;
            continue;
        }
        next_record();
    }
    return filled;
}

}  // namespace lading::tar
