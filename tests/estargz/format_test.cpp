// The bytes of a blob against the eStargz format: where members start, the TOC entry and
// its JSON field by field, and the footer.
#include "blob_inspect.hpp"
#include "plugin_driver.hpp"
#include "sample_layer.hpp"

#include "common/sha256.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace estargz_test;

namespace {

struct sample_blob {
    bytes tar;
    compressed c;
    bytes plain;
    toc_tail tail;
    boost::json::array entries;
};

const sample_blob& sample()
{
    static const sample_blob s = [] {
        sample_blob b;
        b.tar = tar_of(sample_members());
        b.c = compress_ok(b.tar);
        b.plain = decompress(b.c.blob);
        b.tail = split_toc(b.plain, b.tar.size() - 1024);
        b.entries = toc_entries(b.tail.json);
        return b;
    }();
    return s;
}

std::string sha256_digest(const std::string& s) { return "sha256:" + lading::test::sha256_hex(s); }

const boost::json::object& entry_named(const std::string& name, const std::string& type = {})
{
    for (const auto& e : sample().entries) {
        const auto& o = e.as_object();
        if (o.at("name").as_string() == name && (type.empty() || o.at("type").as_string() == type)) return o;
    }
    FAIL("no TOC entry " << name);
    throw std::logic_error("unreachable");
}

std::int64_t number(const boost::json::object& o, const char* key)
{
    auto* v = o.if_contains(key);
    return v == nullptr ? 0 : v->as_int64();
}

std::string text(const boost::json::object& o, const char* key)
{
    auto* v = o.if_contains(key);
    return v == nullptr ? std::string() : std::string(v->as_string());
}

}  // namespace

TEST_CASE("the TOC entry closes the archive and holds nothing after the JSON", "[estargz][format]")
{
    const auto& s = sample();
    CHECK(s.tail.header.substr(0, 18) == std::string("stargz.index.json\0", 18));
    CHECK(s.tail.header[156] == '0');
    CHECK(s.tail.header.substr(100, 8) == std::string("0000000\0", 8));  // mode
    CHECK(s.tail.header.substr(136, 12) == std::string("00000000000\0", 12));  // mtime
    CHECK(s.tail.json.front() == '{');
    CHECK(s.tail.json.back() == '}');
    // Padding to the block, then exactly the two end-of-archive blocks.
    const std::size_t padding = (512 - s.tail.json.size() % 512) % 512;
    CHECK(s.tail.rest == std::string(padding + 1024, '\0'));
    CHECK(sha256_digest(s.tail.json) ==
          boost::json::parse(s.c.annotations_json).at("containerd.io/snapshot/stargz/toc.digest").as_string());
    CHECK(s.c.diff_id == sha256_digest(std::string(s.plain.begin(), s.plain.end())));
    CHECK(s.c.diff_id != sha256_digest(std::string(s.tar.begin(), s.tar.end())));
    CHECK(s.tail.json.find("innerOffset") == std::string::npos);
    CHECK(boost::json::parse(s.tail.json).at("version").as_int64() == 1);
}

TEST_CASE("TOC entries describe each tar entry with Go's keys and omitempty rules", "[estargz][format]")
{
    const auto members = sample_members();
    std::vector<std::string> names;
    for (const auto& e : sample().entries)
        if (e.at("type").as_string() != "chunk") names.emplace_back(e.at("name").as_string());
    std::vector<std::string> expected;
    for (const auto& m : members) expected.push_back(m.name);
    CHECK(names == expected);

    const auto& dir = entry_named("app/");
    CHECK(text(dir, "type") == "dir");
    CHECK(number(dir, "mode") == 0755);
    CHECK(text(dir, "modtime") == "2023-11-14T22:13:20Z");
    CHECK(!dir.contains("size"));
    CHECK(!dir.contains("offset"));
    CHECK(!dir.contains("uid"));

    const auto& empty = entry_named("app/empty");
    CHECK(text(empty, "type") == "reg");
    CHECK(text(empty, "digest") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(!empty.contains("offset"));
    CHECK(!empty.contains("size"));
    CHECK(!empty.contains("chunkDigest"));

    const auto& one = entry_named("app/one-byte");
    CHECK(number(one, "size") == 1);
    CHECK(number(one, "offset") > 0);
    CHECK(text(one, "digest") == sha256_digest("x"));
    CHECK(text(one, "chunkDigest") == sha256_digest("x"));
    CHECK(!one.contains("chunkSize"));

    const auto& four = entry_named("app/four-mib.bin");
    CHECK(number(four, "size") == 4 * mib);
    CHECK(number(four, "chunkSize") == 4 * mib);  // the reference writer's way with exact multiples
    CHECK(text(four, "digest") == sha256_digest(test_content(4 * mib, 4)));

    const std::string nine = test_content(9 * mib, 9);
    const auto& nine_reg = entry_named("app/nine-mib.bin", "reg");
    CHECK(number(nine_reg, "size") == 9 * mib);
    CHECK(text(nine_reg, "digest") == sha256_digest(nine));
    CHECK(number(nine_reg, "chunkSize") == 4 * mib);
    CHECK(text(nine_reg, "chunkDigest") == sha256_digest(nine.substr(0, 4 * mib)));
    std::vector<boost::json::object> chunks;
    for (const auto& e : sample().entries)
        if (e.at("type").as_string() == "chunk") chunks.push_back(e.as_object());
    REQUIRE(chunks.size() == 2);
    CHECK(text(chunks[0], "name") == "app/nine-mib.bin");
    CHECK(number(chunks[0], "chunkOffset") == 4 * mib);
    CHECK(number(chunks[0], "chunkSize") == 4 * mib);
    CHECK(text(chunks[0], "chunkDigest") == sha256_digest(nine.substr(4 * mib, 4 * mib)));
    CHECK(number(chunks[1], "chunkOffset") == 8 * mib);
    CHECK(!chunks[1].contains("chunkSize"));
    CHECK(text(chunks[1], "chunkDigest") == sha256_digest(nine.substr(8 * mib)));
    CHECK(number(nine_reg, "offset") < number(chunks[0], "offset"));
    CHECK(number(chunks[0], "offset") < number(chunks[1], "offset"));

    CHECK(text(entry_named("app/link"), "linkName") == "one-byte");
    CHECK(text(entry_named("app/link"), "type") == "symlink");
    CHECK(text(entry_named("app/hard"), "linkName") == "app/one-byte");
    CHECK(text(entry_named("app/hard"), "type") == "hardlink");

    const auto& x = entry_named("app/xattr.txt");
    REQUIRE(x.contains("xattrs"));
    CHECK(x.at("xattrs").as_object().size() == 2);
    CHECK(x.at("xattrs").at("user.x").as_string() == "aGVsbG8=");
    CHECK(x.at("xattrs").at("security.capability").as_string() == "AQAAAgAgAAA=");

    const auto& owned = entry_named("app/owned");
    CHECK(number(owned, "uid") == 1000);
    CHECK(number(owned, "gid") == 1001);
    CHECK(text(owned, "userName") == "builder");
    CHECK(text(owned, "groupName") == "staff");
    CHECK(number(owned, "mode") == 04755);
    CHECK(text(owned, "modtime") == "2023-11-14T22:13:21Z");  // .75 rounds up
    CHECK(!dir.contains("userName"));

    const auto& dev = entry_named("dev/null");
    CHECK(text(dev, "type") == "char");
    CHECK(number(dev, "devMajor") == 1);
    CHECK(number(dev, "devMinor") == 3);
    CHECK(text(entry_named("app/fifo"), "type") == "fifo");
}

TEST_CASE("members start at the blob start, every payload, every chunk, the TOC and the footer",
          "[estargz][format]")
{
    const auto& s = sample();
    std::set<std::uint64_t> expected{0};
    for (const auto& e : s.entries)
        if (auto* off = e.as_object().if_contains("offset")) expected.insert(static_cast<std::uint64_t>(off->as_int64()));
    const std::uint64_t toc_offset = footer_toc_offset(s.c.blob);
    expected.insert(toc_offset);
    expected.insert(s.c.blob.size() - 51);

    const auto members = gzip_members(s.c.blob);
    std::set<std::uint64_t> starts;
    std::map<std::uint64_t, std::uint64_t> sizes;
    for (const auto& m : members) {
        starts.insert(m.offset);
        sizes[m.offset] = m.uncompressed;
    }
    CHECK(starts == expected);
    CHECK(members.size() == expected.size());
    CHECK(sizes[s.c.blob.size() - 51] == 0);
    CHECK(sizes[toc_offset] == 512 + s.tail.json.size() + s.tail.rest.size());
    // The exactly-4-MiB file's member holds its payload plus what follows up to the next
    // payload; the 9 MiB file's first chunk member holds exactly 4 MiB.
    CHECK(sizes[static_cast<std::uint64_t>(number(entry_named("app/nine-mib.bin", "reg"), "offset"))] == 4 * mib);

    // Every member header is the fixed one: no name, MTIME 0, OS 255.
    const std::uint8_t header[] = {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff};
    for (const auto& m : members) {
        if (m.offset == s.c.blob.size() - 51) continue;
        CAPTURE(m.offset);
        CHECK(std::equal(std::begin(header), std::end(header), s.c.blob.begin() + static_cast<std::ptrdiff_t>(m.offset)));
    }
}
