#include "tar/entry.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace lading::tar;

namespace {
std::uint64_t octal(const std::string& block, std::size_t offset, std::size_t len)
{
    std::uint64_t v = 0;
    for (std::size_t i = offset; i < offset + len && block[i] >= '0' && block[i] <= '7'; ++i) v = v * 8 + (block[i] - '0');
    return v;
}

bool checksum_valid(const std::string& block)
{
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
    return octal(block, 148, 8) == sum;
}

std::string field(const std::string& block, std::size_t offset, std::size_t len)
{
    auto s = block.substr(offset, len);
    return s.substr(0, s.find('\0'));
}
}  // namespace

TEST_CASE("a short regular file is one ustar block", "[tar]")
{
    entry e;
    e.name = "etc/hosts";
    e.mode = 04755;
    e.uid = 1234;
    e.gid = 5678;
    e.size = 1000;
    e.mtime = 1700000000;
    auto h = encode_header(e);
    REQUIRE(h.size() == 512);
    CHECK(field(h, 0, 100) == "etc/hosts");
    CHECK(octal(h, 100, 8) == 04755);
    CHECK(octal(h, 108, 8) == 1234);
    CHECK(octal(h, 116, 8) == 5678);
    CHECK(octal(h, 124, 12) == 1000);
    CHECK(octal(h, 136, 12) == 1700000000);
    CHECK(h[156] == '0');
    CHECK(h.substr(257, 8) == std::string("ustar\0" "00", 8));
    CHECK(field(h, 265, 32).empty());  // no user name: numeric ids only
    CHECK(checksum_valid(h));
    CHECK(padding_for(1000) == 24);
    CHECK(padding_for(1024) == 0);
}

TEST_CASE("names up to 255 bytes split into prefix and name", "[tar]")
{
    entry e;
    e.name = std::string(120, 'd') + "/" + std::string(90, 'f');
    auto h = encode_header(e);
    REQUIRE(h.size() == 512);
    CHECK(field(h, 345, 155) == std::string(120, 'd'));
    CHECK(field(h, 0, 100) == std::string(90, 'f'));
}

TEST_CASE("longer names, big ids and xattrs go into a PAX header", "[tar]")
{
    entry e;
    e.name = std::string(300, 'n');
    e.uid = 3000000;
    e.xattrs = {{"user.demo", "hello"}};
    auto h = encode_header(e);
    REQUIRE(h.size() == 3 * 512);
    CHECK(h[156] == 'x');
    CHECK(checksum_valid(h.substr(0, 512)));
    auto records = h.substr(512, octal(h, 124, 12));
    CHECK(records.find("path=" + std::string(300, 'n') + "\n") != std::string::npos);
    CHECK(records.find("uid=3000000\n") != std::string::npos);
    CHECK(records.find("SCHILY.xattr.user.demo=hello\n") != std::string::npos);
    // Every record's length prefix counts the whole record.
    for (std::size_t pos = 0; pos < records.size();) {
        auto space = records.find(' ', pos);
        auto len = std::stoul(records.substr(pos, space - pos));
        CHECK(records[pos + len - 1] == '\n');
        pos += len;
    }
    auto main = h.substr(1024, 512);
    CHECK(main[156] == '0');
    CHECK(checksum_valid(h.substr(1024, 512)));
}

TEST_CASE("PAX record lengths are right across digit boundaries", "[tar]")
{
    for (std::size_t n : {80u, 90u, 91u, 92u, 93u, 988u, 989u, 990u, 991u}) {
        entry e;
        e.name = "f";
        e.xattrs = {{"user.k", std::string(n, 'v')}};
        auto h = encode_header(e);
        auto records = h.substr(512, octal(h, 124, 12));
        auto space = records.find(' ');
        CHECK(std::stoul(records.substr(0, space)) == records.size());
    }
}

TEST_CASE("links, devices and directories", "[tar]")
{
    entry link;
    link.name = "bin/sh";
    link.type = entry_type::symlink;
    link.link_name = std::string(150, 't');
    auto h = encode_header(link);
    CHECK(h[156] == 'x');
    CHECK(h.find("linkpath=" + std::string(150, 't')) != std::string::npos);

    entry dev;
    dev.name = "dev/null";
    dev.type = entry_type::char_device;
    dev.dev_major = 1;
    dev.dev_minor = 3;
    auto d = encode_header(dev);
    CHECK(d[156] == '3');
    CHECK(octal(d, 329, 8) == 1);
    CHECK(octal(d, 337, 8) == 3);

    entry dir;
    dir.name = "var/empty/";
    dir.type = entry_type::directory;
    dir.size = 4096;  // directories never carry content
    auto r = encode_header(dir);
    CHECK(r[156] == '5');
    CHECK(octal(r, 124, 12) == 0);
}
