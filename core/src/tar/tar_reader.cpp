#include <lading/error.hpp>
#include <lading/tar/tar_reader.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace lading::tar {

namespace {

// Extended headers and long names are held in memory; anything larger is not a real one.
constexpr std::uint64_t max_header_body = 8u << 20;
// All extended headers and long names in front of one entry, together.
constexpr std::uint64_t max_headers_per_entry = 16u << 20;

struct overrides {
    std::optional<std::string> path, link_path;
    std::optional<std::uint64_t> size, uid, gid;
    std::optional<std::int64_t> mtime;
    std::uint32_t mtime_nanoseconds = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;
    bool any = false;
    std::uint64_t header_bytes = 0;  // extended headers and long names read for this entry
};

std::string c_string(const char* field, std::size_t len)
{
    return std::string(field, strnlen(field, len));
}

bool all_zero(const char* block)
{
    return std::all_of(block, block + block_size, [](char c) { return c == '\0'; });
}

bool checksum_matches(const char* block)
{
    std::uint64_t stored = 0;
    std::size_t i = 148;
    while (i < 156 && (block[i] == ' ' || block[i] == '\0')) ++i;
    for (; i < 156 && block[i] >= '0' && block[i] <= '7'; ++i) stored = stored * 8 + static_cast<unsigned>(block[i] - '0');
    // Some old writers summed signed chars; accept either sum.
    std::uint64_t unsigned_sum = 0;
    std::int64_t signed_sum = 0;
    for (std::size_t k = 0; k < block_size; ++k) {
        bool in_field = k >= 148 && k < 156;
        unsigned_sum += in_field ? ' ' : static_cast<unsigned char>(block[k]);
        signed_sum += in_field ? ' ' : static_cast<signed char>(block[k]);
    }
    return stored == unsigned_sum || static_cast<std::int64_t>(stored) == signed_sum;
}

// A numeric header field: octal text, or GNU base-256 (first byte 0x80 for positive
// numbers, 0xff for negative ones in two's complement). nullopt when malformed.
std::optional<std::int64_t> parse_number(const char* field, std::size_t len)
{
    const auto first = static_cast<unsigned char>(field[0]);
    if (first & 0x80) {
        const bool negative = first == 0xff;
        std::uint64_t v = negative ? ~std::uint64_t(0) : 0;
        for (std::size_t i = 0; i < len; ++i) {
            auto byte = static_cast<unsigned char>(field[i]);
            if (i == 0 && !negative) byte &= 0x7f;
            if ((v >> 56) != (negative ? 0xffu : 0u)) return std::nullopt;
            v = (v << 8) | byte;
        }
        auto s = static_cast<std::int64_t>(v);
        if (negative != (s < 0)) return std::nullopt;
        return s;
    }
    std::size_t i = 0;
    while (i < len && field[i] == ' ') ++i;
    std::uint64_t v = 0;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i) {
        if (v >> 60) return std::nullopt;
        v = v * 8 + static_cast<unsigned>(field[i] - '0');
    }
    for (; i < len; ++i)
        if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(v);
}

std::optional<std::uint64_t> parse_decimal(std::string_view text)
{
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

// "-12.5" → seconds -13, nanoseconds 500000000.
bool parse_pax_time(std::string_view text, std::int64_t& seconds, std::uint32_t& nanoseconds)
{
    bool negative = !text.empty() && text.front() == '-';
    if (negative) text.remove_prefix(1);
    auto dot = text.find('.');
    auto whole = parse_decimal(text.substr(0, dot));
    if (!whole || *whole > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - 1)) return false;
    std::uint32_t fraction = 0;
    if (dot != std::string_view::npos) {
        auto digits = text.substr(dot + 1);
        if (digits.empty()) return false;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (digits[i] < '0' || digits[i] > '9') return false;
            if (i < 9) fraction = fraction * 10 + static_cast<std::uint32_t>(digits[i] - '0');
        }
        for (std::size_t i = digits.size(); i < 9; ++i) fraction *= 10;
    }
    seconds = static_cast<std::int64_t>(*whole);
    nanoseconds = fraction;
    if (negative) {
        seconds = -seconds;
        if (fraction) {
            seconds -= 1;
            nanoseconds = 1'000'000'000u - fraction;
        }
    }
    return true;
}

std::optional<entry_type> type_of(char flag, const std::string& name)
{
    switch (flag) {
    case '0':
    case '7': return entry_type::regular;
    case '\0': return name.ends_with('/') ? entry_type::directory : entry_type::regular;
    case '1': return entry_type::hardlink;
    case '2': return entry_type::symlink;
    case '3': return entry_type::char_device;
    case '4': return entry_type::block_device;
    case '5': return entry_type::directory;
    case '6': return entry_type::fifo;
    default: return std::nullopt;
    }
}

}  // namespace

std::string printable_name(std::string_view name)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : name) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

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

std::string tar_reader::read_body(std::uint64_t size, const char* kind)
{
    if (size > max_header_body) fail(std::string(kind) + " of " + std::to_string(size) + " bytes is too large");
    std::string body(static_cast<std::size_t>(size), '\0');
    read_exact(body.data(), body.size(), kind);
    skip(padding_for(size), kind);
    return body;
}

namespace {

void apply_pax_record(std::string_view key, std::string_view value, overrides& o, const std::string& where)
{
    auto bad = [&] {
        throw error(where + ": invalid PAX record " + printable_name(key) + "=" + printable_name(value.substr(0, 40)));
    };
    // A NUL would end a name at the kernel while every check before saw the whole string.
    // (xattr values are binary and may hold NULs; their names may not.)
    const bool is_name = key == "path" || key == "linkpath";
    if (key.find('\0') != std::string_view::npos || (is_name && value.find('\0') != std::string_view::npos)) bad();
    if (key == "path") o.path = std::string(value);
    else if (key == "linkpath") o.link_path = std::string(value);
    else if (key == "size" || key == "uid" || key == "gid") {
        auto v = parse_decimal(value);
        if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) bad();
        (key == "size" ? o.size : key == "uid" ? o.uid : o.gid) = *v;
    } else if (key == "mtime") {
        std::int64_t s = 0;
        if (!parse_pax_time(value, s, o.mtime_nanoseconds)) bad();
        o.mtime = s;
    } else if (key.starts_with("SCHILY.xattr.")) {
        key.remove_prefix(std::string_view("SCHILY.xattr.").size());
        if (key.empty()) bad();
        o.xattrs.emplace_back(std::string(key), std::string(value));
    } else if (key.starts_with("GNU.sparse.")) {
        throw error(where + ": sparse files are not supported");
    }
    // Other records (atime, ctime, uname, gname, comment, vendor keys) do not change the tree.
}

void parse_pax(const std::string& body, overrides& o, const std::string& where)
{
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto space = body.find(' ', pos);
        auto len = space == std::string::npos ? std::nullopt
                                              : parse_decimal(std::string_view(body).substr(pos, space - pos));
        if (!len || *len <= space - pos + 1 || *len > body.size() - pos || body[pos + *len - 1] != '\n')
            throw error(where + ": malformed PAX record at byte " + std::to_string(pos) + " of its extended header");
        std::string_view record = std::string_view(body).substr(space + 1, pos + *len - 1 - (space + 1));
        auto eq = record.find('=');
        if (eq == std::string_view::npos || eq == 0)
            throw error(where + ": malformed PAX record at byte " + std::to_string(pos) + " of its extended header");
        apply_pax_record(record.substr(0, eq), record.substr(eq + 1), o, where);
        o.any = true;
        pos += static_cast<std::size_t>(*len);
    }
}

}  // namespace

std::optional<read_entry> tar_reader::next()
{
    if (ended_) return std::nullopt;
    skip(content_left_ + padding_left_, "an entry's content");
    content_left_ = 0;
    padding_left_ = 0;

    overrides o;
    entry_offset_ = offset_;
    for (;;) {
        char block[block_size];
        std::size_t got = 0;
        while (got < block_size) {
            auto r = src_.read(std::span(reinterpret_cast<std::uint8_t*>(block) + got, block_size - got));
            if (r == 0) break;
            got += r;
        }
        if (got == 0) fail("it ends without an end-of-archive marker");
        if (got < block_size) fail("it ends inside a 512-byte block at offset " + std::to_string(offset_));
        const auto block_offset = offset_;
        offset_ += block_size;
        const std::string where = what_ + " (header at offset " + std::to_string(block_offset) + ")";

        if (all_zero(block)) {
            if (o.any) fail("an extended header at offset " + std::to_string(entry_offset_) + " has no entry after it");
            ended_ = true;
            return std::nullopt;
        }
        if (!checksum_matches(block)) fail("bad header checksum at offset " + std::to_string(block_offset));
        const char flag = block[156];
        auto size = parse_number(block + 124, 12);
        if (!size || *size < 0) fail("invalid size field in the header at offset " + std::to_string(block_offset));

        if (flag == 'x' || flag == 'L' || flag == 'K') {
            o.header_bytes += static_cast<std::uint64_t>(*size);
            if (static_cast<std::uint64_t>(*size) <= max_header_body && o.header_bytes > max_headers_per_entry)
                fail("the extended headers in front of the entry at offset " + std::to_string(entry_offset_) +
                     " exceed " + std::to_string(max_headers_per_entry >> 20) + " MiB");
        }
        if (flag == 'x') {
            parse_pax(read_body(static_cast<std::uint64_t>(*size), "a PAX extended header"), o, where);
            continue;
        }
        if (flag == 'g') {  // global defaults: none of them changes how lading unpacks
            skip(static_cast<std::uint64_t>(*size) + padding_for(static_cast<std::uint64_t>(*size)), "a PAX global header");
            continue;
        }
        if (flag == 'L' || flag == 'K') {
            auto body = read_body(static_cast<std::uint64_t>(*size), "a GNU long name");
            body.resize(strnlen(body.data(), body.size()));
            (flag == 'L' ? o.path : o.link_path) = std::move(body);
            o.any = true;
            continue;
        }

        read_entry out;
        auto& h = out.header;
        const bool posix_ustar = std::memcmp(block + 257, "ustar\0", 6) == 0;
        h.name = c_string(block, 100);
        if (posix_ustar && block[345] != '\0') h.name = c_string(block + 345, 155) + "/" + h.name;
        if (o.path) h.name = *o.path;
        h.link_name = o.link_path ? *o.link_path : c_string(block + 157, 100);
        if (h.name.empty()) fail("an entry at offset " + std::to_string(block_offset) + " has an empty name");

        auto type = type_of(flag, h.name);
        if (!type)
            throw error(what_ + ": entry " + printable_name(h.name) + " has the unsupported type " +
                        printable_name(std::string_view(&flag, 1)) + (flag == 'S' ? " (a sparse file)" : ""));
        h.type = *type;

        auto mode = parse_number(block + 100, 8);
        auto uid = parse_number(block + 108, 8);
        auto gid = parse_number(block + 116, 8);
        auto mtime = parse_number(block + 136, 12);
        auto major = parse_number(block + 329, 8);
        auto minor = parse_number(block + 337, 8);
        if (!mode || !uid || !gid || !mtime || *uid < 0 || *gid < 0)
            fail("invalid numeric field in the header of " + printable_name(h.name));
        h.mode = static_cast<std::uint32_t>(*mode) & 07777;
        h.uid = o.uid.value_or(static_cast<std::uint64_t>(*uid));
        h.gid = o.gid.value_or(static_cast<std::uint64_t>(*gid));
        h.mtime = o.mtime.value_or(*mtime);
        out.mtime_nanoseconds = o.mtime ? o.mtime_nanoseconds : 0;
        if (h.type == entry_type::char_device || h.type == entry_type::block_device) {
            if (!major || !minor || *major < 0 || *minor < 0 || *major > 0xffffffff || *minor > 0xffffffff)
                fail("invalid device numbers in the header of " + printable_name(h.name));
            h.dev_major = static_cast<std::uint32_t>(*major);
            h.dev_minor = static_cast<std::uint32_t>(*minor);
        }
        h.xattrs = std::move(o.xattrs);

        // Links, devices, directories and fifos carry no content whatever their size field says.
        const std::uint64_t content = h.type == entry_type::regular ? o.size.value_or(static_cast<std::uint64_t>(*size)) : 0;
        h.size = content;
        content_left_ = content;
        padding_left_ = padding_for(content);
        return out;
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
