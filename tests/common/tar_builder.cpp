#include "common/tar_builder.hpp"

#include <cstdio>
#include <cstring>

namespace lading::test_tar {

namespace {

constexpr std::size_t block = 512;

void put(std::string& b, std::size_t offset, std::size_t len, const std::string& text)
{
    std::memcpy(b.data() + offset, text.data(), std::min(len, text.size()));
}

}  // namespace

std::string octal(std::uint64_t v, int digits)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", digits, static_cast<unsigned long long>(v));
    return buf;
}

std::string base256(std::int64_t v, std::size_t width)
{
    std::string out(width, '\0');
    auto u = static_cast<std::uint64_t>(v);
    for (std::size_t i = width; i-- > 0;) {
        out[i] = static_cast<char>(u & 0xff);
        u = v < 0 ? (u >> 8) | (std::uint64_t(0xff) << 56) : u >> 8;
    }
    out[0] = static_cast<char>(v < 0 ? 0xff : 0x80);
    return out;
}

std::string raw_block(const raw_header& h)
{
    std::string b(block, '\0');
    put(b, 0, 100, h.name);
    put(b, 100, 8, h.mode);
    put(b, 108, 8, h.uid);
    put(b, 116, 8, h.gid);
    put(b, 124, 12, h.size.empty() ? octal(h.size_value, 11) : h.size);
    put(b, 136, 12, h.mtime);
    b[156] = h.typeflag;
    put(b, 157, 100, h.link_name);
    put(b, 257, 8, h.magic);
    put(b, 265, 32, h.user_name);
    put(b, 297, 32, h.group_name);
    put(b, 329, 8, h.dev_major);
    put(b, 337, 8, h.dev_minor);
    put(b, 345, 155, h.prefix);
    std::memset(b.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    if (h.break_checksum) sum += 1;
    put(b, 148, 8, octal(sum, 6) + std::string(1, '\0') + " ");
    return b;
}

std::string pax_record(const std::string& key, const std::string& value)
{
    const std::string rest = " " + key + "=" + value + "\n";
    std::size_t len = rest.size() + 1;
    while (std::to_string(len).size() + rest.size() != len) ++len;
    return std::to_string(len) + rest;
}

std::string pax_header(const std::vector<std::pair<std::string, std::string>>& records, char typeflag,
                       const std::string& name)
{
    std::string body;
    for (const auto& [k, v] : records) body += pax_record(k, v);
    raw_header h;
    h.name = name;
    h.typeflag = typeflag;
    h.size_value = body.size();
    return raw_block(h) + padded(body);
}

std::string gnu_long_name(const std::string& name, char typeflag)
{
    raw_header h;
    h.name = "././@LongLink";
    h.typeflag = typeflag;
    h.mtime = octal(0, 11);
    h.size_value = name.size() + 1;
    return raw_block(h) + padded(name + std::string(1, '\0'));
}

std::string padded(const std::string& content) { return content + std::string((block - content.size() % block) % block, '\0'); }

std::string end_marker() { return std::string(2 * block, '\0'); }

}  // namespace lading::test_tar
