// The estargz compressor through its C table: blobs the stargz-snapshotter library
// accepts, whose diffID and size match what the plugin reports, that plain gzip and tar
// read, and whose bytes depend on nothing but the input and the level.
#include "blob_inspect.hpp"
#include "plugin_driver.hpp"
#include "sample_layer.hpp"
#include "verifier.hpp"

#include "common/process.hpp"
#include "common/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace estargz_test;
using lading::test::run_process;
using lading::test::temp_dir;

namespace {

constexpr const char* toc_annotation = "containerd.io/snapshot/stargz/toc.digest";
constexpr const char* size_annotation = "io.containers.estargz.uncompressed-size";

std::vector<std::string> names_of(const std::vector<tar_member>& members)
{
    std::vector<std::string> names;
    for (const auto& m : members) names.push_back(m.name);
    return names;
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Runs every outside check on one compressed layer.
void check_with_tools(const compressed& c, const std::vector<std::string>& entry_names)
{
    temp_dir dir("lading-estargz-");
    const std::string blob = (dir / "layer.estargz").string();
    write_file(blob, c.blob);

    const std::string toc_digest = annotation(c.annotations_json, toc_annotation);
    REQUIRE(toc_digest.starts_with("sha256:"));
    verifier_report v = run_verifier(blob, toc_digest);
    INFO(v.output);
    REQUIRE(v.ok);
    CHECK(v.toc_digest == toc_digest);
    CHECK(v.diff_id == c.diff_id);
    CHECK(std::to_string(v.uncompressed_size) == annotation(c.annotations_json, size_annotation));

    auto gzip_test = run_process({"gzip", "-t", blob});
    INFO(gzip_test.describe());
    CHECK(gzip_test.succeeded());

    auto listing = run_process({"sh", "-c", "gzip -dc \"$0\" | tar -tf -", blob});
    INFO(listing.describe());
    REQUIRE(listing.succeeded());
    std::vector<std::string> expected = entry_names;
    expected.push_back("stargz.index.json");
    CHECK(lines_of(listing.out) == expected);
}

}  // namespace

TEST_CASE("the estargz plugin exports a gzip-suffixed compressor table", "[estargz]")
{
    const auto& t = estargz_table();
    CHECK(t.header.abi_version == LADING_PLUGIN_ABI_VERSION);
    CHECK(t.header.struct_size == sizeof(lading_compressor_v1));
    CHECK(std::string(t.header.name) == "estargz");
    CHECK(std::string(t.media_suffix) == "gzip");
    CHECK(t.level_min == 0);
    CHECK(t.level_max == 9);
    CHECK(t.level_default == 6);
    CHECK(t.flags == LADING_COMPRESSOR_OWN_DIFF_ID);  // the host need not hash the input tar

    const bytes blob = compress_ok(tar_of(sample_members())).blob;
    CHECK(t.detect(blob.data(), blob.size()) == 0);  // the gzip plugin claims gzip streams
    CHECK(t.detect(nullptr, 0) == 0);

    char error[256] = "";
    for (int bad : {-1, 10}) {
        CAPTURE(bad);
        lading_codec* c = t.compressor_new(bad, 1, error, sizeof error);
        CHECK(c == nullptr);
        if (c != nullptr) t.destroy(c);
        CHECK(std::string(error).find("level") != std::string::npos);
    }
}

TEST_CASE("a layer with every entry type passes the stargz-snapshotter verifier", "[estargz][verifier]")
{
    const auto members = sample_members();
    const bytes tar = tar_of(members);
    const compressed c = compress_ok(tar, feed{7, 300'000, 70'000, false});
    check_with_tools(c, names_of(members));

    // The decompressed blob is the input minus its end-of-archive blocks, then the TOC
    // entry; the plugin's own decompressor and gzip agree on it.
    const bytes plain = decompress(c.blob, feed{3, 5000, 100'000, true});
    const std::size_t kept = tar.size() - 1024;
    REQUIRE(plain.size() > kept);
    CHECK(std::equal(tar.begin(), tar.begin() + static_cast<std::ptrdiff_t>(kept), plain.begin()));
    CHECK(std::to_string(plain.size()) == annotation(c.annotations_json, size_annotation));
}

TEST_CASE("the same tar gives the same bytes for any slicing and thread count", "[estargz][determinism]")
{
    const bytes tar = tar_of(sample_members());
    const compressed reference = compress_ok(tar, feed{1, 64 * mib, 64 * mib, false}, 1);
    const feed feeds[] = {
        {11, 1, 7, false},            // byte by byte into tiny output buffers
        {12, 700, 513, true},
        {13, 4 * mib + 3, mib, false},
        {14, 64 * mib, 1, true},      // all at once, one output byte per call
    };
    for (unsigned threads : {1u, 2u, 4u}) {
        for (std::size_t i = 0; i < std::size(feeds); ++i) {
            if (i == 0 && threads != 2) continue;  // the slowest feed once is enough
            CAPTURE(threads, i);
            const compressed c = compress_ok(tar, feeds[i], threads);
            CHECK(c.blob == reference.blob);
            CHECK(c.diff_id == reference.diff_id);
            CHECK(c.annotations_json == reference.annotations_json);
        }
    }
}

TEST_CASE("every level gives a verified, deterministic blob", "[estargz][levels]")
{
    const auto members = sample_members();
    const bytes tar = tar_of(members);
    for (int level : {0, 1, 2, 3, 9}) {
        CAPTURE(level);
        const compressed one = compress_ok(tar, feed{21, 100'000, 9'999, false}, 1, level);
        const compressed two = compress_ok(tar, feed{22, 3 * mib, mib, true}, 8, level);
        CHECK(one.blob == two.blob);
        check_with_tools(one, names_of(members));
    }
}

TEST_CASE("members too large to buffer are streamed, still deterministically", "[estargz][large]")
{
    // 12 000 directory headers (6 MiB) before the first payload and 12 000 after the last
    // exceed what a member may hold in memory; the TOC member is large too.
    std::vector<tar_member> members;
    for (int i = 0; i < 12'000; ++i) {
        tar_member d;
        d.name = "many/d" + std::to_string(i) + "/";
        d.type = '5';
        d.mode = 0755;
        members.push_back(d);
    }
    tar_member file;
    file.name = "many/file.bin";
    file.content = test_content(5 * mib + 17, 77);
    members.push_back(file);
    for (int i = 0; i < 12'000; ++i) {
        tar_member e;
        e.name = "many/e" + std::to_string(i);
        members.push_back(e);
    }
    const bytes tar = tar_of(members, 10240);
    const compressed reference = compress_ok(tar, feed{31, 64 * mib, 64 * mib, false}, 1);
    for (unsigned threads : {2u, 4u}) {
        CAPTURE(threads);
        CHECK(compress_ok(tar, feed{32 + threads, 40'000, 3'000, false}, threads).blob == reference.blob);
    }
    check_with_tools(reference, names_of(members));
}

TEST_CASE("an empty tar stream still becomes a valid eStargz blob", "[estargz]")
{
    for (const bytes& tar : {bytes(512, 0), bytes(1024, 0), bytes(10240, 0)}) {
        CAPTURE(tar.size());
        const compressed c = compress_ok(tar);
        check_with_tools(c, {});
    }
}

TEST_CASE("input that is not a readable tar stream fails with a clear message", "[estargz][errors]")
{
    const bytes good = tar_of(sample_members());
    auto error_of = [](const bytes& input) {
        compressed c = compress(input, feed{5, 100'000, 100'000, false});
        CHECK(c.status == LADING_ERROR);
        return c.error;
    };

    bytes noise(4096);
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 131 + 7);
    CHECK_THAT(error_of(noise), Catch::Contains("not a tar stream") && Catch::Contains("checksum"));

    bytes cut(good.begin(), good.begin() + 3 * 512 + 100);
    CHECK_THAT(error_of(cut), Catch::Contains("truncated"));

    // Like every tar reader in lading, the scanner wants an end-of-archive marker.
    CHECK_THAT(error_of(bytes{}), Catch::Contains("end-of-archive marker"));

    bytes lone_zero_block = tar_of({});
    lone_zero_block.resize(512);
    lone_zero_block.insert(lone_zero_block.end(), good.begin(), good.end());
    CHECK_THAT(error_of(lone_zero_block), Catch::Contains("single zero block"));

    tar_member toc;
    toc.name = "./stargz.index.json";
    toc.content = "{}";
    CHECK_THAT(error_of(tar_of({toc})), Catch::Contains("stargz.index.json"));

    tar_member sparse;
    sparse.name = "sparse";
    sparse.type = 'S';
    CHECK_THAT(error_of(tar_of({sparse})), Catch::Contains("unsupported type \"S\""));
}

TEST_CASE("bytes after the end-of-archive marker are not read", "[estargz]")
{
    const bytes good = tar_of(sample_members());
    bytes trailing = good;
    trailing.insert(trailing.end(), 700, 'z');
    CHECK(compress_ok(trailing).blob == compress_ok(good).blob);
}

TEST_CASE("abandoning a compressor midway is safe", "[estargz]")
{
    const bytes tar = tar_of(sample_members());
    const auto& t = estargz_table();
    for (unsigned threads : {1u, 4u}) {
        CAPTURE(threads);
        char error[256] = "";
        lading_codec* c = t.compressor_new(t.level_default, threads, error, sizeof error);
        REQUIRE(c != nullptr);
        bytes out(4096);
        lading_stream_io io{tar.data(), tar.size() / 2, out.data(), out.size()};
        for (int i = 0; i < 200 && io.avail_in > 0; ++i) {
            io.next_out = out.data();
            io.avail_out = out.size();
            REQUIRE(t.transform(c, &io, 0) == LADING_OK);
        }
        t.destroy(c);  // with members still being compressed
    }
}
