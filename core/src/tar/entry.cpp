#include <lading/tar/entry.hpp>

#include <cstring>
#include <string_view>

namespace lading::tar {

namespace {

// "<len> <key>=<value>\n" where <len> counts the whole record, its own digits included.
std::string pax_record(std::string_view key, std::string_view value)
{
    std::size_t body = 1 + key.size() + 1 + value.size() + 1;
    std::size_t len = body + 1;
    while (std::to_string(len).size() + body != len) ++len;
    std::string r = std::to_string(len);
    r += ' ';
    r.append(key);
    r += '=';
    r.append(value);
    r += '\n';
    return r;
}

bool fits_octal(std::uint64_t v, std::size_t field_len) { return field_len >= 23 || v < (1ull << (3 * (field_len - 1))); }

void put_octal(char* field, std::size_t len, std::uint64_t v)
{
    // len-1 digits, zero padded, then NUL.
    for (std::size_t i = len - 1; i-- > 0;) {
        field[i] = static_cast<char>('0' + (v & 7));
        v >>= 3;
    }
    field[len - 1] = '\0';
}

// An empty view may carry a null data(), which memcpy must not be given even for 0 bytes.
void put_string(char* field, std::size_t len, std::string_view s)
{
    if (!s.empty()) std::memcpy(field, s.data(), std::min(len, s.size()));
}

// Splits a name into ustar prefix (<=155) and name (<=100) at a '/'; false if impossible.
bool split_ustar_name(std::string_view full, std::string_view& prefix, std::string_view& name)
{
    if (full.size() <= 100) {
        prefix = {};
        name = full;
        return true;
    }
    if (full.size() > 256) return false;
    // Directories end in '/', so search for a split point before the last character.
    for (std::size_t i = std::min<std::size_t>(155, full.size() - 2); i > 0; --i) {
        if (full[i] != '/') continue;
        if (full.size() - i - 1 > 100) return false;
        prefix = full.substr(0, i);
        name = full.substr(i + 1);
        return !name.empty();
    }
    return false;
}

std::string ustar_block(std::string_view prefix, std::string_view name, char typeflag, std::uint32_t mode,
                        std::uint64_t uid, std::uint64_t gid, std::uint64_t size, std::int64_t mtime,
                        std::string_view link_name, std::uint32_t dev_major, std::uint32_t dev_minor)
{
    std::string b(block_size, '\0');
    char* h = b.data();
    put_string(h + 0, 100, name);
    put_octal(h + 100, 8, mode);
    put_octal(h + 108, 8, fits_octal(uid, 8) ? uid : 0);
    put_octal(h + 116, 8, fits_octal(gid, 8) ? gid : 0);
    put_octal(h + 124, 12, fits_octal(size, 12) ? size : 0);
    put_octal(h + 136, 12, mtime > 0 && fits_octal(static_cast<std::uint64_t>(mtime), 12) ? mtime : 0);
    h[156] = typeflag;
    put_string(h + 157, 100, link_name);
    std::memcpy(h + 257, "ustar\0" "00", 8);
    if (typeflag == '3' || typeflag == '4') {
        put_octal(h + 329, 8, dev_major);
        put_octal(h + 337, 8, dev_minor);
    }
    put_string(h + 345, 155, prefix);
    // The checksum counts its own field as eight spaces.
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    put_octal(h + 148, 7, sum);
    h[155] = ' ';
    return b;
}

std::string basename_of(std::string_view name)
{
    if (name.ends_with('/')) name.remove_suffix(1);
    auto slash = name.rfind('/');
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

std::string dirname_of(std::string_view name)
{
    if (name.ends_with('/')) name.remove_suffix(1);
    auto slash = name.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(name.substr(0, slash + 1));
}

}  // namespace

std::size_t padding_for(std::uint64_t size) { return static_cast<std::size_t>((block_size - size % block_size) % block_size); }

std::string encode_header(const entry& e)
{
    const char typeflag = static_cast<char>(e.type);
    std::string records;
    std::string_view prefix, name;
    if (!split_ustar_name(e.name, prefix, name)) {
        records += pax_record("path", e.name);
        prefix = {};
        name = std::string_view(e.name).substr(0, 100);
    }
    std::string_view link = e.link_name;
    if (link.size() > 100) {
        records += pax_record("linkpath", e.link_name);
        link = link.substr(0, 100);
    }
    if (!fits_octal(e.uid, 8)) records += pax_record("uid", std::to_string(e.uid));
    if (!fits_octal(e.gid, 8)) records += pax_record("gid", std::to_string(e.gid));
    if (!fits_octal(e.size, 12)) records += pax_record("size", std::to_string(e.size));
    if (e.mtime < 0 || !fits_octal(static_cast<std::uint64_t>(e.mtime), 12))
        records += pax_record("mtime", std::to_string(e.mtime));
    for (const auto& [key, value] : e.xattrs) records += pax_record("SCHILY.xattr." + key, value);

    std::string out;
    if (!records.empty()) {
        std::string pax_name = dirname_of(e.name) + "PaxHeaders.0/" + basename_of(e.name);
        std::string_view pax_prefix, pax_short;
        if (!split_ustar_name(pax_name, pax_prefix, pax_short)) {
            pax_prefix = {};
            pax_short = std::string_view(pax_name).substr(0, 100);
        }
        out += ustar_block(pax_prefix, pax_short, 'x', 0644, 0, 0, records.size(), 0, {}, 0, 0);
        out += records;
        out.append(padding_for(records.size()), '\0');
    }
    out += ustar_block(prefix, name, typeflag, e.mode & 07777, e.uid, e.gid,
                       e.type == entry_type::regular ? e.size : 0, e.mtime, link, e.dev_major, e.dev_minor);
    return out;
}

}  // namespace lading::tar
