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

namespace {

std::string header_block(const std::string& name, const member& m, std::uint64_t size)
{
    raw_header h;
    h.name = name;
    h.typeflag = m.type;
    h.mode = octal(m.mode, 7);
    h.uid = octal(m.uid, 7);
    h.gid = octal(m.gid, 7);
    h.size_value = size;
    h.mtime = octal(m.mtime > 0 ? static_cast<std::uint64_t>(m.mtime) : 0, 11);
    h.link_name = m.link_name;
    h.user_name = m.user_name;
    h.group_name = m.group_name;
    h.dev_major = octal(m.dev_major, 7);
    h.dev_minor = octal(m.dev_minor, 7);
    return raw_block(h);
}

bool carries_payload(char type) { return type == '0' || type == 'x' || type == 'g'; }

}  // namespace

std::string member_blocks(const member& m)
{
    std::string out;
    std::string name = m.name;
    std::string records;
    if (name.size() > 100 && m.gnu_long_name) {
        out += gnu_long_name(name);
        name.resize(100);
    } else if (name.size() > 100) {
        records += pax_record("path", name);
        name.resize(100);
    }
    if (m.link_name.size() > 100) records += pax_record("linkpath", m.link_name);
    for (const auto& [key, value] : m.pax) records += pax_record(key, value);
    if (!records.empty()) {
        out += header_block("PaxHeaders/" + name.substr(0, 80), member{.type = 'x', .mtime = 0}, records.size());
        out += padded(records);
    }
    const std::uint64_t size = carries_payload(m.type) ? m.content.size() : 0;
    out += header_block(name, m, size);
    if (size > 0) out += padded(m.content);
    return out;
}

std::string archive_of(const std::vector<member>& members, std::size_t record_size)
{
    std::string out;
    for (const auto& m : members) out += member_blocks(m);
    out += end_marker();
    if (record_size > 0) out.append((record_size - out.size() % record_size) % record_size, '\0');
    return out;
}

member file_member(std::string name, std::string content)
{
    return {.name = std::move(name), .content = std::move(content)};
}

member directory_member(std::string name) { return {.name = std::move(name), .type = '5', .mode = 0755}; }

member symlink_member(std::string name, std::string target)
{
    return {.name = std::move(name), .type = '2', .link_name = std::move(target), .mode = 0777};
}

member hardlink_member(std::string name, std::string target)
{
    return {.name = std::move(name), .type = '1', .link_name = std::move(target)};
}

member pax_member(std::string records) { return {.name = "pax", .type = 'x', .content = std::move(records)}; }

}  // namespace lading::test_tar
