#include "test_tar.hpp"

#include "common/tar_builder.hpp"

#include <cstring>
#include <random>

namespace estargz_test {

namespace {

constexpr std::size_t block = 512;

std::string header(const std::string& name, char type, std::uint64_t size, const tar_member& m)
{
    lading::test_tar::raw_header h;
    h.name = name;
    h.typeflag = type;
    h.mode = lading::test_tar::octal(m.mode, 7);
    h.uid = lading::test_tar::octal(m.uid, 7);
    h.gid = lading::test_tar::octal(m.gid, 7);
    h.size_value = size;
    h.mtime = lading::test_tar::octal(m.mtime > 0 ? static_cast<std::uint64_t>(m.mtime) : 0, 11);
    h.link_name = m.link_name;
    h.user_name = m.user_name;
    h.group_name = m.group_name;
    h.dev_major = lading::test_tar::octal(m.dev_major, 7);
    h.dev_minor = lading::test_tar::octal(m.dev_minor, 7);
    return lading::test_tar::raw_block(h);
}

using lading::test_tar::pax_record;

void pad(std::string& s) { s.append((block - s.size() % block) % block, '\0'); }

}  // namespace

tar_builder& tar_builder::add(const tar_member& m)
{
    std::string name = m.name;
    std::string records;
    if (name.size() > 100 && m.gnu_long_name) {
        data_ += lading::test_tar::gnu_long_name(name);
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
