#include "hand_written_tar.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace lading::test {

namespace {

void field(std::string& block, std::size_t offset, std::size_t len, const std::string& text)
{
    if (text.size() > len) throw std::runtime_error("tar field too long: " + text);
    std::memcpy(block.data() + offset, text.data(), text.size());
}

std::string octal(unsigned long long v, int width)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", width, v);
    return buf;
}

}  // namespace

std::string hand_written_tar(const std::vector<tar_member>& members)
{
    std::string out;
    for (const auto& m : members) {
        std::string block(512, '\0');
        field(block, 0, 100, m.name);
        field(block, 100, 8, octal(m.mode, 7));
        field(block, 108, 8, octal(0, 7));
        field(block, 116, 8, octal(0, 7));
        field(block, 124, 12, octal(m.type == '0' || m.type == 'x' ? m.content.size() : 0, 11));
        field(block, 136, 12, octal(static_cast<unsigned long long>(m.mtime), 11));
        block[156] = m.type;
        field(block, 157, 100, m.link);
        std::memcpy(block.data() + 257, "ustar\0" "00", 8);
        field(block, 329, 8, octal(m.dev_major, 7));
        field(block, 337, 8, octal(m.dev_minor, 7));
        std::memset(block.data() + 148, ' ', 8);
        unsigned sum = 0;
        for (unsigned char c : block) sum += c;
        field(block, 148, 8, octal(sum, 6) + std::string(1, '\0') + " ");
        out += block;
        if (m.type == '0' || m.type == 'x') {
            out += m.content;
            out.append((512 - m.content.size() % 512) % 512, '\0');
        }
    }
    return out + std::string(1024, '\0');
}

void write_bytes(const std::filesystem::path& file, const std::string& bytes)
{
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace lading::test
