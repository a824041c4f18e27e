#include <lading/formats/ustar_block.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace lading::formats::ustar {

namespace {

std::string_view field(block_view block, std::size_t at, std::size_t len)
{
    return {reinterpret_cast<const char*>(block.data()) + at, len};
}

std::string c_string(std::string_view f) { return std::string(f.substr(0, f.find('\0'))); }

std::optional<std::int64_t> decode_base256(std::string_view f)
{
    const bool negative = static_cast<unsigned char>(f[0]) == 0xff;
    std::uint64_t v = negative ? ~std::uint64_t(0) : 0;
    for (std::size_t i = 1; i < f.size(); ++i) {
        if ((v >> 56) != (negative ? 0xffu : 0u)) return std::nullopt;
        v = (v << 8) | static_cast<unsigned char>(f[i]);
    }
    const auto s = static_cast<std::int64_t>(v);
    if (negative != (s < 0)) return std::nullopt;
    return s;
}

std::optional<std::int64_t> decode_octal(std::string_view f)
{
    // Some old writers start a field with a NUL when the previous one overflowed.
    std::size_t i = !f.empty() && f[0] == '\0' ? 1 : 0;
    while (i < f.size() && f[i] == ' ') ++i;
    std::uint64_t v = 0;
    for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) {
        if (v >> 60) return std::nullopt;
        v = v * 8 + static_cast<unsigned>(f[i] - '0');
    }
    for (; i < f.size(); ++i)
        if (f[i] != ' ' && f[i] != '\0') return std::nullopt;
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(v);
}

std::int64_t number(block_view block, std::size_t at, std::size_t len, const char* what, bool may_be_negative)
{
    auto v = decode_number(field(block, at, len));
    if (!v) throw format_error(std::string("invalid numeric field: the ") + what + " field of a header");
    if (*v < 0 && !may_be_negative) throw format_error(std::string("negative ") + what + " in a header");
    return *v;
}

}  // namespace

bool is_zero_block(block_view block)
{
    return std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; });
}

std::optional<std::int64_t> decode_number(std::string_view f)
{
    if (f.empty()) return std::nullopt;
    const auto first = static_cast<unsigned char>(f[0]);
    if (first == 0x80 || first == 0xff) return decode_base256(f);
    if (first & 0x80) return std::nullopt;
    return decode_octal(f);
}

bool checksum_matches(block_view block)
{
    auto stored = decode_octal(field(block, 148, 8));
    if (!stored) return false;
    std::int64_t unsigned_sum = 0, signed_sum = 0;
    for (std::size_t i = 0; i < block_size; ++i) {
        const std::uint8_t c = i >= 148 && i < 156 ? ' ' : block[i];
        unsigned_sum += c;
        signed_sum += static_cast<std::int8_t>(c);
    }
    return *stored == unsigned_sum || *stored == signed_sum;
}

header_block decode_block(block_view block)
{
    if (!checksum_matches(block)) throw format_error("bad header checksum");
    header_block h;
    const auto magic = field(block, 257, 8);
    if (magic.starts_with(std::string_view("ustar\0", 6)))
        h.magic = magic_kind::posix;
    else if (magic == std::string_view("ustar  \0", 8))
        h.magic = magic_kind::gnu;

    h.typeflag = static_cast<char>(block[156]);
    h.name = c_string(field(block, 0, 100));
    h.link_name = c_string(field(block, 157, 100));
    h.mode = number(block, 100, 8, "mode", false);
    h.uid = number(block, 108, 8, "uid", false);
    h.gid = number(block, 116, 8, "gid", false);
    h.size = number(block, 124, 12, "size", false);
    h.mtime = number(block, 136, 12, "mtime", true);
    if (h.magic == magic_kind::v7) return h;

    h.user_name = c_string(field(block, 265, 32));
    h.group_name = c_string(field(block, 297, 32));
    if (h.typeflag == '3' || h.typeflag == '4') {
        auto major = decode_number(field(block, 329, 8)), minor = decode_number(field(block, 337, 8));
        if (!major || !minor || *major < 0 || *minor < 0 || *major > 0xffffffff || *minor > 0xffffffff)
            throw format_error("invalid device numbers in a header");
        h.dev_major = *major;
        h.dev_minor = *minor;
    }
    if (h.magic == magic_kind::posix) {
        // star ends the block with "tar\0" and keeps times after a shorter prefix.
        const bool star = field(block, 508, 4) == std::string_view("tar\0", 4);
        auto prefix = c_string(field(block, 345, star ? 131 : 155));
        if (!prefix.empty()) h.name = prefix + "/" + h.name;
    }
    return h;
}

bool fits_octal(std::uint64_t v, std::size_t field_len)
{
    return field_len >= 23 || v < (1ull << (3 * (field_len - 1)));
}

void encode_octal(char* f, std::size_t len, std::uint64_t v)
{
    for (std::size_t i = len - 1; i-- > 0;) {
        f[i] = static_cast<char>('0' + (v & 7));
        v >>= 3;
    }
    f[len - 1] = '\0';
}

void set_checksum(char* block)
{
    std::memset(block + 148, ' ', 8);
    unsigned sum = 0;
    for (std::size_t i = 0; i < block_size; ++i) sum += static_cast<unsigned char>(block[i]);
    encode_octal(block + 148, 7, sum);
    block[155] = ' ';
}

std::string encode_block(const ustar_fields& f)
{
    std::string b(block_size, '\0');
    char* h = b.data();
    // An empty view may carry a null data(), which memcpy must not be given even for 0 bytes.
    auto put = [](char* at, std::size_t len, std::string_view s) {
        if (!s.empty()) std::memcpy(at, s.data(), std::min(len, s.size()));
    };
    put(h + 0, 100, f.name);
    encode_octal(h + 100, 8, f.mode);
    encode_octal(h + 108, 8, fits_octal(f.uid, 8) ? f.uid : 0);
    encode_octal(h + 116, 8, fits_octal(f.gid, 8) ? f.gid : 0);
    encode_octal(h + 124, 12, fits_octal(f.size, 12) ? f.size : 0);
    encode_octal(h + 136, 12,
                 f.mtime > 0 && fits_octal(static_cast<std::uint64_t>(f.mtime), 12) ? static_cast<std::uint64_t>(f.mtime) : 0);
    h[156] = f.typeflag;
    put(h + 157, 100, f.link_name);
    std::memcpy(h + 257, "ustar\0" "00", 8);
    if (f.device) {
        encode_octal(h + 329, 8, f.dev_major);
        encode_octal(h + 337, 8, f.dev_minor);
    }
    put(h + 345, 155, f.prefix);
    set_checksum(h);
    return b;
}

bool split_name(std::string_view full, std::string_view& prefix, std::string_view& name)
{
    if (full.size() <= 100) {
        prefix = {};
        name = full;
        return true;
    }
    if (full.size() > 256) return false;
    // Directories end in '/', so the split point is searched before the last character.
    for (std::size_t i = std::min<std::size_t>(155, full.size() - 2); i > 0; --i) {
        if (full[i] != '/') continue;
        if (full.size() - i - 1 > 100) return false;
        prefix = full.substr(0, i);
        name = full.substr(i + 1);
        return !name.empty();
    }
    return false;
}

}  // namespace lading::formats::ustar
