#include "tar_bytes.hpp"

#include <cstdio>
#include <cstring>

namespace lading::test_tar {

item file(std::string name, std::string content, std::uint32_t mode, std::int64_t mtime)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::regular;
    i.header.mode = mode;
    i.header.size = content.size();
    i.header.mtime = mtime;
    i.content = std::move(content);
    return i;
}

item directory(std::string name, std::uint32_t mode, std::int64_t mtime)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::directory;
    i.header.mode = mode;
    i.header.mtime = mtime;
    return i;
}

item symlink(std::string name, std::string target)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::symlink;
    i.header.mode = 0777;
    i.header.link_name = std::move(target);
    i.header.mtime = 1'600'000'000;
    return i;
}

item hardlink(std::string name, std::string target)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::hardlink;
    i.header.mode = 0644;
    i.header.link_name = std::move(target);
    return i;
}

item fifo(std::string name)
{
    item i;
    i.header.name = std::move(name);
    i.header.type = tar::entry_type::fifo;
    i.header.mode = 0640;
    i.header.mtime = 1'600'000'000;
    return i;
}

item whiteout(std::string name) { return file(std::move(name), "", 0, 0); }

std::string padded(const std::string& content)
{
    return content + std::string(tar::padding_for(content.size()), '\0');
}

std::string end_marker() { return std::string(tar::end_of_archive_size, '\0'); }

std::string archive(const std::vector<item>& items)
{
    std::string out;
    for (const auto& i : items) out += tar::encode_header(i.header) + padded(i.content);
    return out + end_marker();
}

namespace {
void put(std::string& b, std::size_t offset, std::size_t len, const std::string& text)
{
    std::memcpy(b.data() + offset, text.data(), std::min(len, text.size()));
}
std::string octal(std::uint64_t v, int digits)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", digits, static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace

std::string raw_block(const raw_header& h)
{
    std::string b(tar::block_size, '\0');
    put(b, 0, 100, h.name);
    put(b, 100, 8, h.mode);
    put(b, 108, 8, h.uid);
    put(b, 116, 8, h.gid);
    put(b, 124, 12, h.size.empty() ? octal(h.size_value, 11) : h.size);
    put(b, 136, 12, h.mtime);
    b[156] = h.typeflag;
    put(b, 157, 100, h.link_name);
    put(b, 257, 8, h.magic);
    put(b, 329, 8, h.dev_major);
    put(b, 337, 8, h.dev_minor);
    put(b, 345, 155, h.prefix);
    std::memset(b.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    if (h.break_checksum) sum += 1;
    put(b, 148, 7, octal(sum, 6) + std::string(1, '\0'));
    return b;
}

std::string pax_header(const std::vector<std::pair<std::string, std::string>>& records, char typeflag)
{
    std::string body;
    for (const auto& [k, v] : records) {
        std::string rest = " " + k + "=" + v + "\n";
        std::size_t len = rest.size() + 1;
        while (std::to_string(len).size() + rest.size() != len) ++len;
        body += std::to_string(len) + rest;
    }
    raw_header h;
    h.name = "PaxHeaders/x";
    h.typeflag = typeflag;
    h.size_value = body.size();
    return raw_block(h) + padded(body);
}

}  // namespace lading::test_tar
