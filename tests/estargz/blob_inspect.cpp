#include "blob_inspect.hpp"

#include <zlib.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace estargz_test {

std::vector<member_info> gzip_members(const bytes& blob)
{
    std::vector<member_info> out;
    std::vector<std::uint8_t> sink(1 << 16);
    std::size_t pos = 0;
    while (pos < blob.size()) {
        z_stream z{};
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
        z.next_in = const_cast<Bytef*>(blob.data() + pos);
        z.avail_in = static_cast<uInt>(blob.size() - pos);
        int rc;
        do {
            z.next_out = sink.data();
            z.avail_out = static_cast<uInt>(sink.size());
            rc = inflate(&z, Z_NO_FLUSH);
        } while (rc == Z_OK);
        std::uint64_t used = blob.size() - pos - z.avail_in;
        member_info m{pos, z.total_out};
        inflateEnd(&z);
        if (rc != Z_STREAM_END) throw std::runtime_error("bad gzip member at " + std::to_string(pos));
        out.push_back(m);
        pos += used;
    }
    return out;
}

std::uint64_t footer_toc_offset(const bytes& blob)
{
    if (blob.size() < 51) throw std::runtime_error("blob shorter than the footer");
    std::string f(blob.end() - 51, blob.end());
    const std::string head("\x1f\x8b\x08\x04\0\0\0\0\0\xff\x1a\0SG\x16\0", 16);
    const std::string tail("\x01\0\0\xff\xff\0\0\0\0\0\0\0\0", 13);
    if (f.substr(0, 16) != head || f.substr(32, 6) != "STARGZ" || f.substr(38) != tail)
        throw std::runtime_error("malformed footer");
    std::string hex = f.substr(16, 16);
    if (hex.find_first_not_of("0123456789abcdef") != std::string::npos) throw std::runtime_error("footer offset not hex");
    return std::stoull(hex, nullptr, 16);
}

toc_tail split_toc(const bytes& decompressed, std::size_t prefix)
{
    if (decompressed.size() < prefix + 512) throw std::runtime_error("no TOC entry after the layer");
    toc_tail t;
    t.header.assign(decompressed.begin() + static_cast<std::ptrdiff_t>(prefix),
                    decompressed.begin() + static_cast<std::ptrdiff_t>(prefix + 512));
    std::size_t size = std::stoull(t.header.substr(124, 11), nullptr, 8);
    auto json = decompressed.begin() + static_cast<std::ptrdiff_t>(prefix + 512);
    if (static_cast<std::size_t>(decompressed.end() - json) < size) throw std::runtime_error("TOC entry cut short");
    t.json.assign(json, json + static_cast<std::ptrdiff_t>(size));
    t.rest.assign(json + static_cast<std::ptrdiff_t>(size), decompressed.end());
    return t;
}

boost::json::array toc_entries(const std::string& json) { return boost::json::parse(json).at("entries").as_array(); }

void write_file(const std::string& path, const bytes& data)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

bytes read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace estargz_test
