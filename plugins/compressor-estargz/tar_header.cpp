#include "tar_header.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace lading::plugins::estargz {

namespace {

std::string_view field(std::span<const std::uint8_t, tar_block> block, std::size_t at, std::size_t len)
{
    return {reinterpret_cast<const char*>(block.data()) + at, len};
}

[[noreturn]] void bad_header(std::uint64_t offset, const std::string& why)
{
    throw std::runtime_error("estargz: input is not a tar stream this codec can read: " + why +
                             " in the header at byte " + std::to_string(offset));
}

// Octal digits padded with spaces or NULs, or (GNU) base-256 when the top bit is set.
std::int64_t numeric(std::string_view f, std::uint64_t offset, const char* what)
{
    if (!f.empty() && (static_cast<unsigned char>(f[0]) & 0x80) != 0) {
        bool negative = (static_cast<unsigned char>(f[0]) & 0x40) != 0;
        std::uint8_t invert = negative ? 0xff : 0x00;
        std::uint64_t x = 0;
        for (std::size_t i = 0; i < f.size(); ++i) {
            std::uint8_t c = static_cast<std::uint8_t>(f[i]) ^ invert;
            if (i == 0) c &= 0x7f;
            if ((x >> 56) != 0) bad_header(offset, std::string("overflowing base-256 ") + what);
            x = (x << 8) | c;
        }
        if ((x >> 63) != 0) bad_header(offset, std::string("overflowing base-256 ") + what);
        return negative ? ~static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
    }
    auto first = f.find_first_not_of(std::string_view(" \0", 2));
    if (first == std::string_view::npos) return 0;
    f.remove_prefix(first);
    f = f.substr(0, f.find('\0'));
    f = f.substr(0, f.find_last_not_of(' ') + 1);
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v, 8);
    if (ec != std::errc() || end != f.data() + f.size() || (v >> 63) != 0)
        bad_header(offset, std::string("invalid ") + what + " field");
    return static_cast<std::int64_t>(v);
}

// Both sums count the checksum field as eight spaces; old writers used signed chars.
bool checksum_matches(std::span<const std::uint8_t, tar_block> block, std::int64_t stored)
{
    std::int64_t unsigned_sum = 0, signed_sum = 0;
    for (std::size_t i = 0; i < tar_block; ++i) {
        std::uint8_t c = i >= 148 && i < 156 ? ' ' : block[i];
        unsigned_sum += c;
        signed_sum += static_cast<std::int8_t>(c);
    }
    return stored == unsigned_sum || stored == signed_sum;
}

}  // namespace

std::string c_string(std::string_view f) { return std::string(f.substr(0, f.find('\0'))); }

bool is_zero_block(std::span<const std::uint8_t, tar_block> block)
{
    return std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; });
}

header_fields decode_header(std::span<const std::uint8_t, tar_block> block, std::uint64_t offset)
{
    if (!checksum_matches(block, numeric(field(block, 148, 8), offset, "checksum")))
        bad_header(offset, "checksum mismatch");

    header_fields h;
    std::string_view magic = field(block, 257, 8);
    if (magic == std::string_view("ustar\0" "00", 8))
        h.flavour = tar_flavour::ustar;
    else if (magic == std::string_view("ustar  \0", 8))
        h.flavour = tar_flavour::gnu;

    h.typeflag = static_cast<char>(block[156]);
    h.name = c_string(field(block, 0, 100));
    h.link_name = c_string(field(block, 157, 100));
    h.mode = numeric(field(block, 100, 8), offset, "mode");
    h.uid = numeric(field(block, 108, 8), offset, "uid");
    h.gid = numeric(field(block, 116, 8), offset, "gid");
    h.size = numeric(field(block, 124, 12), offset, "size");
    h.mtime = numeric(field(block, 136, 12), offset, "mtime");
    if (h.size < 0) bad_header(offset, "negative size");
    if (h.flavour == tar_flavour::v7) return h;

    h.user_name = c_string(field(block, 265, 32));
    h.group_name = c_string(field(block, 297, 32));
    h.dev_major = numeric(field(block, 329, 8), offset, "devmajor");
    h.dev_minor = numeric(field(block, 337, 8), offset, "devminor");
    if (h.flavour == tar_flavour::ustar) {
        // star archives end the header with "tar\0" and keep times after a shorter prefix.
        bool star = field(block, 508, 4) == std::string_view("tar\0", 4);
        std::string prefix = c_string(field(block, 345, star ? 131 : 155));
        if (!prefix.empty()) h.name = prefix + "/" + h.name;
    }
    return h;
}

void parse_pax_records(std::string_view data, pax_records& into)
{
    auto fail = [] { throw std::runtime_error("estargz: malformed PAX extended header record"); };
    while (!data.empty()) {
        auto space = data.find(' ');
        if (space == std::string_view::npos) fail();
        std::size_t len = 0;
        auto [end, ec] = std::from_chars(data.data(), data.data() + space, len);
        if (ec != std::errc() || end != data.data() + space || len <= space + 1 || len > data.size()) fail();
        std::string_view record = data.substr(space + 1, len - space - 1);
        data.remove_prefix(len);
        if (record.back() != '\n') fail();
        record.remove_suffix(1);
        auto eq = record.find('=');
        if (eq == 0 || eq == std::string_view::npos) fail();
        std::string_view key = record.substr(0, eq);
        if (key.find('\0') != std::string_view::npos) fail();
        into[std::string(key)] = std::string(record.substr(eq + 1));
    }
}

}  // namespace lading::plugins::estargz
