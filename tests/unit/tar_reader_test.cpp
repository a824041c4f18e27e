#include <lading/error.hpp>
#include "tar/tar_reader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tar_bytes.hpp"

using namespace lading;
namespace tt = lading::test_tar;

namespace {

// Hands out at most `chunk` bytes per read, so entries straddle reads.
class trickle_source : public byte_source {
public:
    trickle_source(std::string bytes, std::size_t chunk) : bytes_(std::move(bytes)), chunk_(chunk) {}
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        auto n = std::min({buf.size(), chunk_, bytes_.size() - pos_});
        std::memcpy(buf.data(), bytes_.data() + pos_, n);
        pos_ += n;
        return n;
    }

private:
    std::string bytes_;
    std::size_t chunk_;
    std::size_t pos_ = 0;
};

std::string read_all_content(tar::tar_reader& r, std::size_t piece = 7)
{
    std::string out;
    std::vector<std::uint8_t> buf(piece);
    while (auto n = r.read_content(buf)) out.append(reinterpret_cast<const char*>(buf.data()), n);
    return out;
}

std::vector<tar::read_entry> read_all(const std::string& bytes)
{
    trickle_source src(bytes, 100);
    tar::tar_reader r(src, "test archive");
    std::vector<tar::read_entry> out;
    while (auto e = r.next()) out.push_back(*e);
    return out;
}

std::string error_of(const std::string& bytes)
{
    try {
        read_all(bytes);
    } catch (const error& e) {
        return e.what();
    }
    return "";
}

// A GNU long name entry ('L') naming "a".
std::string long_name_block_small()
{
    tt::raw_header h;
    h.typeflag = 'L';
    h.name = "././@LongLink";
    h.size_value = 2;
    return tt::raw_block(h) + tt::padded(std::string("a\0", 2));
}

}  // namespace

TEST_CASE("tar reader: entries written by lading's encoder come back field by field", "[tar_reader]")
{
    auto big = tt::file(std::string(120, 'd') + "/" + std::string(200, 'f'), "long-named content", 04755);
    big.header.uid = 10'000'000;  // does not fit ustar's 7 octal digits
    big.header.gid = 1234;
    big.header.xattrs = {{"security.capability", std::string("\x01\x00\x00\x02", 4)}, {"user.demo", "hello"}};
    auto dev = tt::fifo("dev/null");
    dev.header.type = tar::entry_type::char_device;
    dev.header.dev_major = 1;
    dev.header.dev_minor = 3;
    const std::string content(5000, 'x');
    std::vector<tt::item> items = {
        tt::directory("etc/", 0750),
        tt::file("etc/hosts", content),
        big,
        tt::symlink("link", std::string(150, 't')),
        tt::hardlink("etc/hosts-again", "etc/hosts"),
        tt::fifo("pipe"),
        dev,
    };

    trickle_source src(tt::archive(items), 333);
    tar::tar_reader r(src, "test archive");
    std::vector<tar::read_entry> got;
    while (auto e = r.next()) {
        if (e->header.name == "etc/hosts") CHECK(read_all_content(r) == content);
        if (e->header.name == big.header.name) CHECK(read_all_content(r, 4096) == big.content);
        got.push_back(*e);
    }
    REQUIRE(got.size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& want = items[i].header;
        const auto& have = got[i].header;
        INFO("entry " << i << " " << want.name);
        CHECK(have.name == want.name);
        CHECK(have.type == want.type);
        CHECK(have.mode == want.mode);
        CHECK(have.uid == want.uid);
        CHECK(have.gid == want.gid);
        CHECK(have.size == want.size);
        CHECK(have.mtime == want.mtime);
        CHECK(have.link_name == want.link_name);
        CHECK(have.xattrs == want.xattrs);
        CHECK(have.dev_major == want.dev_major);
        CHECK(have.dev_minor == want.dev_minor);
        CHECK(got[i].mtime_nanoseconds == 0);
    }
    CHECK_FALSE(r.next());  // stays at the end
}

TEST_CASE("tar reader: content left unread is skipped", "[tar_reader]")
{
    auto entries = read_all(tt::archive({tt::file("a", std::string(1500, 'a')), tt::file("b", "bee")}));
    REQUIRE(entries.size() == 2);
    CHECK(entries[1].header.name == "b");
    CHECK(entries[1].header.size == 3);

    trickle_source src(tt::archive({tt::file("a", std::string(1500, 'a')), tt::file("b", "bee")}), 512);
    tar::tar_reader r(src, "test archive");
    REQUIRE(r.next());
    std::uint8_t buf[10];
    CHECK(r.read_content(buf) == 10);  // part of a's content only
    auto b = r.next();
    REQUIRE(b);
    CHECK(read_all_content(r) == "bee");
    CHECK(r.entry_offset() == 512 + 1536);
}

TEST_CASE("tar reader: GNU long names and link names ('L', 'K')", "[tar_reader]")
{
    const std::string long_name = "dir/" + std::string(300, 'n');
    const std::string long_target = "../" + std::string(200, 't');
    const std::string gnu_magic = std::string("ustar  \0", 8);
    tt::raw_header l;
    l.name = "././@LongLink";
    l.typeflag = 'L';
    l.magic = gnu_magic;
    l.size_value = long_name.size() + 1;
    tt::raw_header k = l;
    k.typeflag = 'K';
    k.size_value = long_target.size() + 1;
    tt::raw_header entry;
    entry.name = long_name.substr(0, 100);
    entry.typeflag = '2';
    entry.link_name = long_target.substr(0, 100);
    entry.magic = gnu_magic;
    entry.prefix = "14000000001";  // GNU keeps atime here, not a name prefix
    std::string bytes = tt::raw_block(l) + tt::padded(long_name + '\0') + tt::raw_block(k) +
                        tt::padded(long_target + '\0') + tt::raw_block(entry) + tt::end_marker();

    auto entries = read_all(bytes);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].header.name == long_name);
    CHECK(entries[0].header.link_name == long_target);
    CHECK(entries[0].header.type == tar::entry_type::symlink);
}

TEST_CASE("tar reader: the ustar prefix field joins the name, only in POSIX ustar headers", "[tar_reader]")
{
    tt::raw_header h;
    h.name = "file";
    h.prefix = "some/dir";
    auto entries = read_all(tt::raw_block(h) + tt::end_marker());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].header.name == "some/dir/file");

    h.magic = std::string(8, '\0');  // a v7 header: no prefix field
    entries = read_all(tt::raw_block(h) + tt::end_marker());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].header.name == "file");
}

TEST_CASE("tar reader: PAX records override the header", "[tar_reader]")
{
    tt::raw_header h;
    h.name = "short";
    h.size_value = 0;  // the PAX size wins
    h.uid = "0000001";
    std::string bytes = tt::pax_header({{"path", "a/much/longer/path"},
                                        {"linkpath", "ignored-for-a-file"},
                                        {"size", "5"},
                                        {"uid", "4000000000"},
                                        {"gid", "77"},
                                        {"mtime", "1700000000.5"},
                                        {"atime", "1.0"},
                                        {"SCHILY.xattr.user.k", std::string("v\0w\n", 4)},
                                        {"LIBARCHIVE.creationtime", "3"}}) +
                        tt::raw_block(h) + tt::padded("12345") + tt::end_marker();
    trickle_source src(bytes, 64);
    tar::tar_reader r(src, "test archive");
    auto e = r.next();
    REQUIRE(e);
    CHECK(e->header.name == "a/much/longer/path");
    CHECK(e->header.size == 5);
    CHECK(e->header.uid == 4'000'000'000u);
    CHECK(e->header.gid == 77);
    CHECK(e->header.mtime == 1'700'000'000);
    CHECK(e->mtime_nanoseconds == 500'000'000);
    REQUIRE(e->header.xattrs.size() == 1);
    CHECK(e->header.xattrs[0].first == "user.k");
    CHECK(e->header.xattrs[0].second == std::string("v\0w\n", 4));
    CHECK(read_all_content(r) == "12345");
    CHECK_FALSE(r.next());
}

TEST_CASE("tar reader: PAX times before 1970 and with many decimals", "[tar_reader]")
{
    auto time_of = [](const std::string& text) {
        tt::raw_header h;
        h.name = "f";
        auto entries = read_all(tt::pax_header({{"mtime", text}}) + tt::raw_block(h) + tt::end_marker());
        REQUIRE(entries.size() == 1);
        return std::pair(entries[0].header.mtime, entries[0].mtime_nanoseconds);
    };
    CHECK(time_of("-1.25") == std::pair<std::int64_t, std::uint32_t>(-2, 750'000'000));
    CHECK(time_of("-3") == std::pair<std::int64_t, std::uint32_t>(-3, 0));
    CHECK(time_of("12.1234567891") == std::pair<std::int64_t, std::uint32_t>(12, 123'456'789));
    CHECK(time_of("0.000000001") == std::pair<std::int64_t, std::uint32_t>(0, 1));
}

TEST_CASE("tar reader: GNU base-256 numbers", "[tar_reader]")
{
    tt::raw_header h;
    h.name = "big";
    // size 0x0102 in base-256: 0x80 marker, then big-endian bytes.
    h.size = std::string("\x80\0\0\0\0\0\0\0\0\0\x01\x02", 12);
    h.uid = std::string("\x80\0\0\0\x7f\xff\xff\xff", 8);
    h.mtime = std::string(11, '\xff') + "\xfe";  // -2 in two's complement
    std::string content(0x102, 'z');
    trickle_source src(tt::raw_block(h) + tt::padded(content) + tt::end_marker(), 4096);
    tar::tar_reader r(src, "test archive");
    auto e = r.next();
    REQUIRE(e);
    CHECK(e->header.size == 0x102);
    CHECK(e->header.uid == 0x7fffffff);
    CHECK(e->header.mtime == -2);
    CHECK(read_all_content(r) == content);
}

TEST_CASE("tar reader: old type flags and header-only types", "[tar_reader]")
{
    tt::raw_header old_dir;
    old_dir.name = "olddir/";
    old_dir.typeflag = '\0';
    tt::raw_header old_file;
    old_file.name = "oldfile";
    old_file.typeflag = '\0';
    old_file.size_value = 2;
    tt::raw_header contiguous;
    contiguous.name = "contiguous";
    contiguous.typeflag = '7';
    tt::raw_header link;
    link.name = "link";
    link.typeflag = '2';
    link.link_name = "target";
    tt::raw_header global;
    global.typeflag = 'g';
    global.name = "global";
    global.size_value = 11;
    std::string bytes = tt::raw_block(global) + tt::padded("11 a=bcdef\n") + tt::raw_block(old_dir) +
                        tt::raw_block(old_file) + tt::padded("ab") + tt::raw_block(contiguous) + tt::raw_block(link) +
                        tt::raw_block(old_file) + tt::padded("ab") + tt::end_marker();
    auto entries = read_all(bytes);
    REQUIRE(entries.size() == 5);
    CHECK(entries[0].header.type == tar::entry_type::directory);
    CHECK(entries[1].header.type == tar::entry_type::regular);
    CHECK(entries[1].header.size == 2);
    CHECK(entries[2].header.type == tar::entry_type::regular);
    CHECK(entries[3].header.type == tar::entry_type::symlink);
    CHECK(entries[3].header.size == 0);
    CHECK(entries[4].header.name == "oldfile");
}

TEST_CASE("tar reader: one zero block at the very end is enough", "[tar_reader]")
{
    tt::raw_header h;
    h.name = "f";
    auto entries = read_all(tt::raw_block(h) + std::string(512, '\0'));
    CHECK(entries.size() == 1);
}

TEST_CASE("tar reader: a header whose checksum was summed with signed bytes is accepted", "[tar_reader]")
{
    tt::raw_header h;
    h.name = "caf\xc3\xa9";
    std::string block = tt::raw_block(h);
    int sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<signed char>(block[i]);
    char field[8];
    std::snprintf(field, sizeof field, "%06o", sum);
    std::memcpy(block.data() + 148, field, 7);
    auto entries = read_all(block + tt::end_marker());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].header.name == "caf\xc3\xa9");
}

TEST_CASE("tar reader: malformed archives fail with one line naming the archive", "[tar_reader]")
{
    tt::raw_header good;
    good.name = "f";
    good.size_value = 3;
    const std::string good_entry = tt::raw_block(good) + tt::padded("abc");

    struct bad {
        const char* title;
        std::string bytes;
        const char* mentions;
    };
    tt::raw_header broken = good;
    broken.break_checksum = true;
    tt::raw_header sparse;
    sparse.name = "holes\nname";
    sparse.typeflag = 'S';
    tt::raw_header volume;
    volume.name = "vol";
    volume.typeflag = 'V';
    tt::raw_header bad_mode = good;
    bad_mode.mode = "07x4";
    tt::raw_header bad_size = good;
    bad_size.size = "12z";
    tt::raw_header empty_name;
    empty_name.name = "";
    tt::raw_header device;
    device.name = "dev";
    device.typeflag = '3';
    device.dev_major = "zz";
    tt::raw_header huge_pax;
    huge_pax.typeflag = 'x';
    huge_pax.name = "pax";
    huge_pax.size_value = 100ull << 20;
    // Records whose length, added to the position, wraps around 2^64 back to the start.
    const std::string wrapping_records = "6 a=b\n6 c=d\n18446744073709551610 x=y\n";
    tt::raw_header wrapping;
    wrapping.typeflag = 'x';
    wrapping.name = "pax";
    wrapping.size_value = wrapping_records.size();
    // A long name, a long link name and a PAX header, each 6 MiB, in front of one entry.
    const std::string long_name(6u << 20, 'n');
    tt::raw_header long_name_header;
    long_name_header.typeflag = 'L';
    long_name_header.name = "././@LongLink";
    long_name_header.size_value = long_name.size();
    tt::raw_header long_link_header = long_name_header;
    long_link_header.typeflag = 'K';
    const std::string big_headers = tt::raw_block(long_name_header) + tt::padded(long_name) +
                                    tt::raw_block(long_link_header) + tt::padded(long_name) +
                                    tt::pax_header({{"comment", long_name}});
    tt::raw_header sized_link;
    sized_link.name = "link";
    sized_link.typeflag = '2';
    sized_link.link_name = "target";
    sized_link.size_value = 3;
    tt::raw_header sized_old_dir = good;
    sized_old_dir.name = "olddir/";
    sized_old_dir.typeflag = '\0';

    std::vector<bad> cases = {
        {"empty stream", "", "end-of-archive marker"},
        {"no end marker", good_entry, "end-of-archive marker"},
        {"cut inside a header", good_entry.substr(0, 300), "512-byte block"},
        {"cut inside content", tt::raw_block(good) + "a", "ends inside"},
        {"bad checksum", tt::raw_block(broken) + tt::padded("abc") + tt::end_marker(), "checksum"},
        {"sparse file", tt::raw_block(sparse) + tt::end_marker(), "sparse"},
        {"volume header", tt::raw_block(volume) + tt::end_marker(), "unsupported type"},
        {"PAX sparse records", tt::pax_header({{"GNU.sparse.major", "1"}}) + good_entry + tt::end_marker(), "sparse"},
        {"malformed PAX record", tt::pax_header({{"path", "x"}}).replace(512, 2, "99") + good_entry + tt::end_marker(),
         "PAX record"},
        {"PAX number not a number", tt::pax_header({{"size", "12abc"}}) + good_entry + tt::end_marker(), "size"},
        {"PAX header with no entry after it", tt::pax_header({{"path", "x"}}) + tt::end_marker(), "no entry after it"},
        {"bad octal mode", tt::raw_block(bad_mode) + tt::padded("abc") + tt::end_marker(), "numeric field"},
        {"bad octal size", tt::raw_block(bad_size) + tt::end_marker(), "size field"},
        {"empty name", tt::raw_block(empty_name) + tt::end_marker(), "empty name"},
        {"bad device numbers", tt::raw_block(device) + tt::end_marker(), "device numbers"},
        {"extended header too large", tt::raw_block(huge_pax), "too large"},
        {"NUL in a PAX path", tt::pax_header({{"path", std::string("..\0/x", 5)}}) + good_entry + tt::end_marker(),
         "invalid PAX record"},
        {"NUL in a PAX linkpath", tt::pax_header({{"linkpath", std::string("..\0/etc", 7)}}) + good_entry + tt::end_marker(),
         "invalid PAX record"},
        {"NUL in an xattr name", tt::pax_header({{std::string("SCHILY.xattr.user\0x", 19), "v"}}) + good_entry + tt::end_marker(),
         "invalid PAX record"},
        {"PAX record length that wraps around", tt::raw_block(wrapping) + tt::padded(wrapping_records) + good_entry + tt::end_marker(),
         "malformed PAX record"},
        {"extended headers over the per-entry limit", big_headers + good_entry + tt::end_marker(), "exceed"},
        {"a symlink with content", tt::raw_block(sized_link) + tt::padded("abc") + tt::end_marker(), "only regular files"},
        {"an old-style directory with content", tt::raw_block(sized_old_dir) + tt::padded("abc") + tt::end_marker(),
         "only regular files"},
        {"a global header that sets a time", tt::pax_header({{"mtime", "1"}}, 'g') + good_entry + tt::end_marker(),
         "global header"},
        {"data after a single zero block", good_entry + std::string(512, '\0') + good_entry + tt::end_marker(),
         "single zero block"},
        {"two PAX headers for one entry", tt::pax_header({{"uid", "1"}}) + tt::pax_header({{"gid", "1"}}) + good_entry +
         tt::end_marker(), "two extended headers"},
        {"a GNU long name and a PAX path", long_name_block_small() + tt::pax_header({{"path", "b"}}) + good_entry +
         tt::end_marker(), "both"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.title)
        {
            auto message = error_of(c.bytes);
            INFO(message);
            CHECK(message.find("test archive") != std::string::npos);
            CHECK(message.find(c.mentions) != std::string::npos);
            CHECK(message.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("tar reader: printable_name keeps an error on one line", "[tar_reader]")
{
    CHECK(tar::printable_name("plain/name") == "\"plain/name\"");
    CHECK(tar::printable_name("a\nb\t\"c\\") == "\"a\\x0ab\\x09\\\"c\\\\\"");
    CHECK(tar::printable_name(std::string("\x7f\0", 2)) == "\"\\x7f\\x00\"");
}
