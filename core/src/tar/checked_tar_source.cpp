#include <lading/error.hpp>
#include <lading/tar/checked_tar_source.hpp>
#include <lading/tar/entry.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace lading::tar {

namespace {

std::uint64_t parse_octal(const char* field, std::size_t len)
{
    if (static_cast<unsigned char>(field[0]) & 0x80) {  // base-256 (GNU) for big numbers
        std::uint64_t v = static_cast<unsigned char>(field[0]) & 0x7f;
        for (std::size_t i = 1; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(field[i]);
        return v;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < len; ++i) {
        char c = field[i];
        if (c == ' ' && v == 0) continue;
        if (c < '0' || c > '7') break;
        v = v * 8 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

void write_octal(char* field, std::size_t len, std::uint64_t v)
{
    for (std::size_t i = len - 1; i-- > 0;) {
        field[i] = static_cast<char>('0' + (v & 7));
        v >>= 3;
    }
    field[len - 1] = '\0';
}

bool checksum_ok(const std::string& b)
{
    std::uint64_t stored = parse_octal(b.data() + 148, 8);
    unsigned sum = 0;
    for (std::size_t i = 0; i < block_size; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(b[i]);
    return stored == sum;
}

void set_checksum(std::string& b)
{
    std::memset(b.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    write_octal(b.data() + 148, 7, sum);
    b[155] = ' ';
}

bool header_only(char type) { return type >= '1' && type <= '6'; }

// Clamps the time records of a PAX extended header body; other records are kept as they are.
std::string clamp_pax_records(const std::string& body, std::int64_t clamp, std::optional<std::uint64_t>& size_out,
                              const std::string& what)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        if (body[pos] == '\0') break;  // trailing padding some writers leave
        auto space = body.find(' ', pos);
        std::size_t len = 0;
        auto [p, ec] = std::from_chars(body.data() + pos, body.data() + (space == std::string::npos ? pos : space), len);
        if (space == std::string::npos || ec != std::errc() || len > body.size() - pos || len < space - pos + 2)
            throw error(what + " is not a valid tar archive: malformed PAX record");
        std::string record = body.substr(space + 1, len - (space - pos) - 2);
        auto eq = record.find('=');
        std::string key = record.substr(0, eq), value = eq == std::string::npos ? "" : record.substr(eq + 1);
        if (key == "size") size_out = std::strtoull(value.c_str(), nullptr, 10);
        if (key == "mtime" || key == "atime" || key == "ctime") {
            double t = std::strtod(value.c_str(), nullptr);
            if (t > static_cast<double>(clamp)) value = std::to_string(clamp);
        }
        std::string rebuilt = key + "=" + value + "\n";
        std::size_t total = rebuilt.size() + 2;
        while (std::to_string(total).size() + 1 + rebuilt.size() != total) ++total;
        out += std::to_string(total) + " " + rebuilt;
        pos += len;
    }
    return out;
}

}  // namespace

checked_tar_source::checked_tar_source(std::unique_ptr<byte_source> inner, std::optional<std::int64_t> clamp,
                                       std::string what)
    : inner_(std::move(inner)), clamp_(clamp), what_(std::move(what))
{
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
    if (got < block_size) throw error(what_ + " is not a valid tar archive: it ends inside a 512-byte block");
    return true;
}

void checked_tar_source::next_record()
{
    pending_.clear();
    pending_pos_ = 0;
    std::string block;
    if (!fill_block(block)) {
        if (!trailer_) throw error(what_ + " is not a valid tar archive: it ends without an end-of-archive marker");
        eof_ = true;
        return;
    }
    if (trailer_ || std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; })) {
        trailer_ = true;  // everything after the first zero block passes through as is
        pending_ = std::move(block);
        return;
    }
    if (!checksum_ok(block))
        throw error(what_ + " is not a valid tar archive: bad header checksum at offset " +
                    std::to_string(offset_ - block_size));
    const char type = block[156];
    std::uint64_t size = parse_octal(block.data() + 124, 12);

    if (type == 'x' && clamp_) {
        std::string body;
        for (std::uint64_t left = size + padding_for(size); left > 0; left -= block_size) {
            std::string b;
            if (!fill_block(b)) throw error(what_ + " is not a valid tar archive: truncated PAX header");
            body += b;
        }
        body.resize(static_cast<std::size_t>(size));
        body = clamp_pax_records(body, *clamp_, pax_size_, what_);
        write_octal(block.data() + 124, 12, body.size());
        set_checksum(block);
        pending_ = block + body + std::string(padding_for(body.size()), '\0');
        return;
    }
    if (type == 'x') {
        // Not rewriting: still learn a size override so that content is skipped correctly.
        std::string body;
        for (std::uint64_t left = size + padding_for(size); left > 0; left -= block_size) {
            std::string b;
            if (!fill_block(b)) throw error(what_ + " is not a valid tar archive: truncated PAX header");
            body += b;
        }
        std::string records = body.substr(0, static_cast<std::size_t>(size));
        clamp_pax_records(records, INT64_MAX, pax_size_, what_);
        pending_ = block + body;
        return;
    }
    if (type != 'g' && type != 'L' && type != 'K') {
        if (pax_size_) size = *pax_size_;
        pax_size_.reset();
        if (header_only(type)) size = 0;
        if (clamp_ && !(static_cast<unsigned char>(block[136]) & 0x80) &&
            parse_octal(block.data() + 136, 12) > static_cast<std::uint64_t>(*clamp_)) {
            write_octal(block.data() + 136, 12, static_cast<std::uint64_t>(*clamp_));
            set_checksum(block);
        }
    }
    pending_ = std::move(block);
    content_left_ = size + padding_for(size);
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
        if (content_left_ > 0) {
            auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size() - filled, content_left_));
            auto n = inner_->read(buf.subspan(filled, want));
            if (n == 0) throw error(what_ + " is not a valid tar archive: it ends inside an entry's content");
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
