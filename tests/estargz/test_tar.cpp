#include "test_tar.hpp"

#include <cstring>
#include <random>

namespace estargz_test {

namespace {

constexpr std::size_t block = 512;

void put_octal(std::string& h, std::size_t at, std::size_t len, std::uint64_t v)
{
    for (std::size_t i = len - 1; i-- > 0;) {
        h[at + i] = static_cast<char>('0' + (v & 7));
        v >>= 3;
    }
    h[at + len - 1] = '\0';
}

void put_text(std::string& h, std::size_t at, std::size_t len, const std::string& s)
{
    std::memcpy(h.data() + at, s.data(), std::min(len, s.size()));
}

std::string header(const std::string& name, char type, std::uint64_t size, const tar_member& m)
{
    std::string h(block, '\0');
    put_text(h, 0, 100, name);
    put_octal(h, 100, 8, m.mode);
    put_octal(h, 108, 8, m.uid);
    put_octal(h, 116, 8, m.gid);
    put_octal(h, 124, 12, size);
    put_octal(h, 136, 12, m.mtime > 0 ? static_cast<std::uint64_t>(m.mtime) : 0);
    h[156] = type;
    put_text(h, 157, 100, m.link_name);
    put_text(h, 257, 8, std::string("ustar\0" "00", 8));
    put_text(h, 265, 32, m.user_name);
    put_text(h, 297, 32, m.group_name);
    put_octal(h, 329, 8, m.dev_major);
    put_octal(h, 337, 8, m.dev_minor);
    std::memset(h.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    put_octal(h, 148, 7, sum);
    h[155] = ' ';
    return h;
}

std::string pax_record(const std::string& key, const std::string& value)
{
    std::size_t body = key.size() + value.size() + 3;
    std::size_t len = body + 1;
    while (std::to_string(len).size() + body != len) ++len;
    return std::to_string(len) + " " + key + "=" + value + "\n";
}

void pad(std::string& s) { s.append((block - s.size() % block) % block, '\0'); }

}  // namespace

tar_builder& tar_builder::add(const tar_member& m)
{
    std::string name = m.name;
    std::string records;
    if (name.size() > 100 && m.gnu_long_name) {
        tar_member meta;
        meta.mtime = 0;
        data_ += header("././@LongLink", 'L', name.size() + 1, meta);
        data_ += name;
        data_ += '\0';
        pad(data_);
        name = name.substr(0, 100);
    } else if (name.size() > 100) {
        records += pax_record("path", name);
        name = name.substr(0, 100);
    }
    if (m.link_name.size() > 100) records += pax_record("linkpath", m.link_name);
    for (const auto& [k, v] : m.pax) records += pax_record(k, v);
    if (!records.empty()) {
        tar_member meta;
        meta.mtime = 0;
        data_ += header("PaxHeaders/" + name.substr(0, 80), 'x', records.size(), meta);
        data_ += records;
        pad(data_);
    }
    data_ += header(name, m.type, m.type == '0' ? m.content.size() : 0, m);
    if (m.type == '0') {
        data_ += m.content;
        pad(data_);
    }
    return *this;
}

std::vector<std::uint8_t> tar_builder::finish(std::size_t record) const
{
    std::string out = data_;
    out.append(2 * block, '\0');
    if (record > 0) out.append((record - out.size() % record) % record, '\0');
    return {out.begin(), out.end()};
}

std::string test_content(std::size_t size, std::uint64_t seed)
{
    static const char* const words[] = {"layer ", "chunk ", "gzip ", "member ", "offset ", "digest\n", "toc "};
    std::mt19937_64 rng(seed);
    std::string out;
    out.reserve(size + 64);
    while (out.size() < size) {
        if (rng() % 4 == 0) {
            for (int i = 0; i < 512; ++i) out += static_cast<char>(rng());
        } else {
            for (int i = 0; i < 64; ++i) out += words[rng() % 7];
        }
    }
    out.resize(size);
    return out;
}

}  // namespace estargz_test
