// Conformance of the compressor plugins to the lading_compressor_v1 contract: each .so is
// loaded the way the host loads it and driven only through its C table.
#include <lading/plugin/abi.h>

#include "common/codec_driver.hpp"
#include "common/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;
using bytes = std::vector<std::uint8_t>;

constexpr std::size_t mib = std::size_t{1} << 20;

// ------------------------------------------------------------------ loading ----

const lading_compressor_v1& compressor(const std::string& name)
{
    return lading::test::compressor_table(LADING_TEST_PLUGIN_DIR, name);
}

const std::vector<std::string> all_compressors{"uncompressed", "gzip", "zstd"};

// ------------------------------------------------------------------ test data ---

bytes random_bytes(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    bytes out(n);
    for (std::size_t i = 0; i < n; i += 8) {
        std::uint64_t v = rng();
        std::memcpy(out.data() + i, &v, std::min<std::size_t>(8, n - i));
    }
    return out;
}

// Text-like data: skewed words from a small vocabulary, numbers, line breaks.
bytes compressible_bytes(std::size_t n, std::uint64_t seed)
{
    static const char* const words[] = {"layer", "blob",  "digest", "sha256", "manifest", "config",
                                        "tar",   "usr",   "lib",    "x86_64", "linux",    "gnu",
                                        "so",    "share", "doc",    "etc",    "the",      "of"};
    std::mt19937_64 rng(seed);
    std::geometric_distribution<int> pick(0.25);
    bytes out;
    out.reserve(n + 32);
    while (out.size() < n) {
        const char* w = words[std::min<std::size_t>(pick(rng), std::size(words) - 1)];
        out.insert(out.end(), w, w + std::strlen(w));
        switch (rng() % 8) {
        case 0: out.push_back('\n'); break;
        case 1: {
            std::string number = std::to_string(rng() % 100000);
            out.insert(out.end(), number.begin(), number.end());
            out.push_back('/');
            break;
        }
        default: out.push_back(' ');
        }
    }
    out.resize(n);
    return out;
}

// Alternating compressible and random runs whose edges do not line up with 1 MiB.
bytes mixed_bytes(std::size_t n, std::uint64_t seed)
{
    bytes out;
    out.reserve(n);
    for (std::uint64_t part = 0; out.size() < n; ++part) {
        std::size_t len = std::min<std::size_t>(n - out.size(), 300'007 + part * 77'777);
        bytes piece = part % 3 == 2 ? random_bytes(len, seed + part) : compressible_bytes(len, seed + part);
        out.insert(out.end(), piece.begin(), piece.end());
    }
    return out;
}

bool same(const bytes& a, const bytes& b)
{
    if (a.size() != b.size()) {
        UNSCOPED_INFO("sizes differ: " << a.size() << " vs " << b.size());
        return false;
    }
    auto mismatch = std::mismatch(a.begin(), a.end(), b.begin());
    if (mismatch.first != a.end()) UNSCOPED_INFO("first difference at byte " << (mismatch.first - a.begin()));
    return mismatch.first == a.end();
}

// ------------------------------------------------------------------ driving ----

// How a caller hands bytes to transform(): input slices (cycled), output buffer size, and
// whether finish comes with the last slice or in an extra call without input.
struct feed {
    std::vector<std::size_t> slices;
    std::size_t out_size;
    bool finish_separately;
    const char* label;
};

const feed tiny_feed{{1, 7, 3, 4093, 65537, mib + 11}, 7, false, "odd slices, 7-byte output"};
const feed big_feed{{3 * mib + 5}, mib, false, "3 MiB slices, 1 MiB output"};
const feed medium_feed{{64 * 1024}, 64 * 1024, true, "64 KiB slices and output, separate finish"};
const feed odd_feed{{mib - 1, 1, 999'999}, 4099, true, "slices around 1 MiB, 4099-byte output"};

using lading::test::new_compressor;
using lading::test::new_decompressor;
using outcome = lading::test::codec_outcome;

// Pushes input through codec the way the host does; contract breaches throw.
outcome run(const lading_compressor_v1& table, lading_codec* codec, const bytes& input, const feed& f)
{
    std::size_t call = 0;
    lading::test::codec_feeding feeding{[&] { return f.slices[call++ % f.slices.size()]; },
                                        [&] { return f.out_size; }, f.finish_separately};
    return lading::test::run_codec(table, codec, input, feeding);
}

bytes compress(const lading_compressor_v1& table, const bytes& input, int level, unsigned threads,
               const feed& f = big_feed)
{
    auto codec = new_compressor(table, level, threads);
    outcome r = run(table, codec.get(), input, f);
    if (r.status != LADING_DONE) throw std::runtime_error("compression failed: " + r.error);
    return std::move(r.output);
}

bytes compress(const std::string& name, const bytes& input, unsigned threads = 2, const feed& f = big_feed)
{
    const auto& table = compressor(name);
    return compress(table, input, table.level_default, threads, f);
}

outcome try_decompress(const std::string& name, const bytes& input, const feed& f = big_feed)
{
    const auto& table = compressor(name);
    auto codec = new_decompressor(table);
    return run(table, codec.get(), input, f);
}

bytes decompress(const std::string& name, const bytes& input, const feed& f = big_feed)
{
    outcome r = try_decompress(name, input, f);
    if (r.status != LADING_DONE) throw std::runtime_error("decompression failed: " + r.error);
    return std::move(r.output);
}

// ------------------------------------------------------------------ system tools --

using lading::test::temp_dir;

void write_file(const fs::path& path, const bytes& data)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

bytes read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs a shell command; its exit status (or -1 when it did not exit normally).
int shell(const std::string& command)
{
    int status = std::system(command.c_str());
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

bytes cat(const bytes& a, const bytes& b)
{
    bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

}  // namespace

// ==================================================================== tests ======

TEST_CASE("compressor plugins export a valid lading_compressor_v1 table", "[plugins][compressor]")
{
    struct expectation {
        std::string name;
        std::string suffix;
        int32_t level_min, level_max, level_default;
    };
    const expectation expected[] = {
        {"uncompressed", "", 0, 0, 0},
        {"gzip", "gzip", 0, 9, 6},
        {"zstd", "zstd", 1, 22, 3},
    };
    for (const auto& e : expected) {
        CAPTURE(e.name);
        const lading_plugin_header* header = &compressor(e.name).header;
        CHECK(header->abi_version == LADING_PLUGIN_ABI_VERSION);
        CHECK(header->struct_size == sizeof(lading_compressor_v1));
        CHECK(header->kind == LADING_KIND_COMPRESSOR);
        REQUIRE(header->name != nullptr);
        CHECK(std::string(header->name) == e.name);
        REQUIRE(header->version != nullptr);
        CHECK(std::string(header->version) != "");

        const auto& table = compressor(e.name);
        REQUIRE(table.media_suffix != nullptr);
        CHECK(std::string(table.media_suffix) == e.suffix);
        CHECK(table.level_min == e.level_min);
        CHECK(table.level_max == e.level_max);
        CHECK(table.level_default == e.level_default);
        CHECK(table.detect != nullptr);
        CHECK(table.compressor_new != nullptr);
        CHECK(table.decompressor_new != nullptr);
        CHECK(table.transform != nullptr);
        CHECK(table.annotations_json != nullptr);
        CHECK(table.diff_id != nullptr);
        CHECK(table.last_error != nullptr);
        CHECK(table.destroy != nullptr);
        CHECK(table.flags == 0);  // the diffID is the sha256 of the input
    }
}

TEST_CASE("a compressor built with the first table declares the first size, without flags", "[plugins][compressor]")
{
    const auto& t = lading::test::compressor_table(LADING_OUTSIDE_PLUGIN_DIR, "first-table-gzip");
    CHECK(t.header.abi_version == LADING_PLUGIN_ABI_VERSION);
    CHECK(t.header.struct_size == offsetof(lading_compressor_v1, flags));
    CHECK(t.header.struct_size < sizeof(lading_compressor_v1));
    CHECK(std::string(t.header.name) == "first-table-gzip");
}

TEST_CASE("compressors round-trip awkward sizes through tiny and big buffers", "[plugins][compressor]")
{
    const std::size_t sizes[] = {0, 1, mib - 1, mib, mib + 1, 5 * mib + 12'345};
    const std::pair<const feed*, const feed*> feeds[] = {{&tiny_feed, &big_feed}, {&big_feed, &tiny_feed},
                                                         {&odd_feed, &medium_feed}};
    for (const auto& name : all_compressors) {
        for (std::size_t size : sizes) {
            for (bool random : {true, false}) {
                bytes input = random ? random_bytes(size, size + 1) : compressible_bytes(size, size + 2);
                for (auto [compress_feed, decompress_feed] : feeds) {
                    CAPTURE(name, size, random, compress_feed->label, decompress_feed->label);
                    bytes packed = compress(name, input, 2, *compress_feed);
                    CHECK(same(decompress(name, packed, *decompress_feed), input));
                }
            }
        }
    }
}

TEST_CASE("compressed bytes depend neither on the thread count nor on input slicing", "[plugins][compressor]")
{
    const bytes input = mixed_bytes(5 * mib + 4321, 7);
    const feed* feeds[] = {&big_feed, &tiny_feed, &medium_feed, &odd_feed};
    for (const auto& name : all_compressors) {
        const bytes reference = compress(name, input, 1, big_feed);
        for (unsigned threads : {1u, 2u, 4u}) {
            for (const feed* f : feeds) {
                CAPTURE(name, threads, f->label);
                CHECK(same(compress(name, input, threads, *f), reference));
            }
        }
        CAPTURE(name);
        CHECK(same(decompress(name, reference, odd_feed), input));
    }
}

TEST_CASE("gzip emits one deterministic member per 1 MiB of input", "[plugins][compressor][gzip]")
{
    const bytes input = compressible_bytes(2 * mib + 5, 11);
    const bytes packed = compress("gzip", input);
    // Member headers: magic, deflate, no flags, MTIME 0, XFL 0, OS 255.
    const std::uint8_t header[] = {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff};
    REQUIRE(packed.size() > sizeof header);
    CHECK(std::equal(std::begin(header), std::end(header), packed.begin()));
    std::size_t members = 0;
    for (std::size_t i = 0; i + sizeof header <= packed.size(); ++i)
        if (std::equal(std::begin(header), std::end(header), packed.begin() + static_cast<std::ptrdiff_t>(i))) ++members;
    CHECK(members >= 3);  // a header pattern could in theory also occur inside deflate data

    const bytes empty = compress("gzip", {});
    CHECK(empty.size() == 10 + 5 + 8);  // header, one empty stored block, trailer
    CHECK(decompress("gzip", empty).empty());
}

TEST_CASE("every advertised level works and stays deterministic", "[plugins][compressor]")
{
    const bytes input = mixed_bytes(2 * mib + 777, 3);
    for (const auto& name : all_compressors) {
        const auto& table = compressor(name);
        std::vector<int> levels{table.level_min, table.level_default, table.level_max};
        if (name == "gzip") levels.push_back(1);
        for (int level : levels) {
            CAPTURE(name, level);
            bytes one = compress(table, input, level, 1, odd_feed);
            bytes two = compress(table, input, level, 2, big_feed);
            CHECK(same(one, two));
            CHECK(same(decompress(name, one, tiny_feed), input));
        }
        CAPTURE(name);
        char error[256] = "";
        for (int bad : {table.level_min - 1, table.level_max + 1}) {
            lading_codec* c = table.compressor_new(bad, 1, error, sizeof error);
            CHECK(c == nullptr);
            if (c != nullptr) table.destroy(c);
            CHECK(std::string(error) != "");
        }
    }
}

TEST_CASE("gzip levels 1 to 3 give the same bytes for any thread count, read by gzip", "[plugins][compressor][gzip]")
{
    temp_dir dir;
    const auto& table = compressor("gzip");
    // Text, random runs (stored blocks), a zero run (igzip's constant shortcut), a short tail.
    bytes input = mixed_bytes(4 * mib + 12'345, 13);
    input.insert(input.end(), mib + 3, 0);
    const bytes tail = compressible_bytes(777, 14);
    input.insert(input.end(), tail.begin(), tail.end());
    for (int level : {1, 2, 3}) {
        CAPTURE(level);
        const bytes reference = compress(table, input, level, 1, big_feed);
        for (unsigned threads : {2u, 8u}) {
            CAPTURE(threads);
            CHECK(same(compress(table, input, level, threads, odd_feed), reference));
        }
        CHECK(same(decompress("gzip", reference, tiny_feed), input));
        write_file(dir / "level.gz", reference);
        CHECK(shell("gzip -t " + quoted(dir / "level.gz")) == 0);
        CHECK(shell("gzip -dc " + quoted(dir / "level.gz") + " > " + quoted(dir / "level.out")) == 0);
        CHECK(same(read_file(dir / "level.out"), input));
    }
    // Faster levels trade size: level 1 is larger than the default on text.
    const bytes text = compressible_bytes(2 * mib, 15);
    CHECK(compress(table, text, 1, 2).size() > compress(table, text, 6, 2).size());
}

TEST_CASE("LADING_GZIP_ENCODER chooses igzip or libdeflate per level; igzip's output is read by gzip",
          "[plugins][compressor][gzip]")
{
    temp_dir dir;
    const auto& table = compressor("gzip");
    const bytes input = mixed_bytes(3 * mib + 4'321, 17);
    struct encoder_override {
        explicit encoder_override(const char* value) { ::setenv("LADING_GZIP_ENCODER", value, 1); }
        ~encoder_override() { ::unsetenv("LADING_GZIP_ENCODER"); }
    };
    auto with = [&](const char* encoder, int level) {
        if (encoder == nullptr) return compress(table, input, level, 2, odd_feed);
        encoder_override set(encoder);
        return compress(table, input, level, 2, odd_feed);
    };
    for (int level : {1, 2, 3, 6}) {
        CAPTURE(level);
        const bytes by_default = with(nullptr, level);
        const bytes isal = with("isal", level);
        const bytes libdeflate = with("libdeflate", level);
#if defined(__x86_64__)
        const bool default_is_isal = level <= 2;
#else
        const bool default_is_isal = false;
#endif
        CHECK(same(by_default, default_is_isal ? isal : libdeflate));
        // igzip's bytes are not libdeflate's: each setting reached the encoder.
        CHECK(same(isal, libdeflate) == (level > 3));
        write_file(dir / "isal.gz", isal);
        CHECK(shell("gzip -t " + quoted(dir / "isal.gz")) == 0);
        CHECK(same(decompress("gzip", isal, tiny_feed), input));
    }

    encoder_override wrong("zlib");
    char error[512] = "";
    CHECK(table.compressor_new(1, 2, error, sizeof error) == nullptr);
    CHECK_THAT(error, Catch::Contains("LADING_GZIP_ENCODER") && Catch::Contains("isal or libdeflate"));
}

TEST_CASE("zstd frames are libzstd's multi-threaded output for any worker count", "[plugins][compressor][zstd]")
{
    // Large enough for several jobs, of 4 MiB (levels up to 7) or libzstd's own size.
    const bytes input = mixed_bytes(26 * mib + 99, 5);
    auto libzstd = [&](int workers, int level = 3, int job_size = 4 * mib) {
        ZSTD_CCtx* cctx = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, workers);
        if (job_size) ZSTD_CCtx_setParameter(cctx, ZSTD_c_jobSize, job_size);
        bytes out(ZSTD_compressBound(input.size()));
        ZSTD_outBuffer o{out.data(), out.size(), 0};
        ZSTD_inBuffer i{input.data(), input.size(), 0};
        ZSTD_compressStream2(cctx, &o, &i, ZSTD_e_continue);  // streaming: no size known up front
        std::size_t left;
        do {
            left = ZSTD_compressStream2(cctx, &o, &i, ZSTD_e_end);
            REQUIRE(!ZSTD_isError(left));
        } while (left != 0);
        ZSTD_freeCCtx(cctx);
        out.resize(o.pos);
        return out;
    };

    const bytes ours = compress("zstd", input, 1, medium_feed);
    CHECK(same(compress("zstd", input, 2, big_feed), ours));
    CHECK(same(compress("zstd", input, 3, tiny_feed), ours));
    CHECK(same(libzstd(1), ours));
    CHECK(same(libzstd(4), ours));
    // Why nbWorkers is never 0: single-threaded libzstd writes different frames.
    CHECK_FALSE(same(libzstd(0), ours));
    CHECK_FALSE(same(libzstd(1, 3, 0), ours));  // libzstd's 8 MiB jobs: more memory
    CHECK(same(decompress("zstd", ours, medium_feed), input));
    // A level with a window above 2 MiB keeps libzstd's job size.
    CHECK(same(compress(compressor("zstd"), input, 9, 2), libzstd(2, 9, 0)));
}

TEST_CASE("detect recognises its own format and nothing else", "[plugins][compressor]")
{
    temp_dir dir;
    write_file(dir / "member.txt", compressible_bytes(5000, 1));
    REQUIRE(shell("tar -C " + quoted(dir / "") + " -cf " + quoted(dir / "layer.tar") + " member.txt") == 0);
    const bytes tar = read_file(dir / "layer.tar");

    std::map<std::string, bytes> samples{
        {"uncompressed", tar},
        {"gzip", compress("gzip", tar)},
        {"zstd", compress("zstd", tar)},
    };
    for (const auto& [format, sample] : samples) {
        for (const auto& name : all_compressors) {
            CAPTURE(format, name);
            CHECK(compressor(name).detect(sample.data(), sample.size()) == (format == name ? 1 : 0));
        }
    }
    // The uncompressed plugin wants the whole magic, at offset 257, in what it is given.
    CHECK(compressor("uncompressed").detect(tar.data(), 261) == 0);
    CHECK(compressor("uncompressed").detect(tar.data(), 262) == 1);
    const bytes noise = random_bytes(1024, 99);
    for (const auto& name : all_compressors) {
        CAPTURE(name);
        CHECK(compressor(name).detect(noise.data(), noise.size()) == 0);
        CHECK(compressor(name).detect(nullptr, 0) == 0);
        CHECK(compressor(name).detect(samples[name].data(), 2) == 0);
    }
}

TEST_CASE("gzip and zstd output is accepted by the system tools and vice versa", "[plugins][compressor][tools]")
{
    temp_dir dir;
    const std::pair<std::string, std::string> tools[] = {{"gzip", "gzip"}, {"zstd", "zstd -q"}};
    for (std::size_t size : {std::size_t{0}, 3 * mib + 7}) {
        const bytes input = mixed_bytes(size, size);
        write_file(dir / "input", input);
        for (const auto& [name, tool] : tools) {
            CAPTURE(name, size);
            const fs::path packed = dir / ("ours." + name);
            write_file(packed, compress(name, input, 2));
            CHECK(shell(tool + " -t " + quoted(packed)) == 0);
            CHECK(shell(tool + " -dc " + quoted(packed) + " > " + quoted(dir / "theirs.out")) == 0);
            CHECK(same(read_file(dir / "theirs.out"), input));

            // Their output, twice concatenated (two members / two frames), through our decompressor.
            const fs::path theirs = dir / ("theirs." + name);
            const std::string level = name == "gzip" ? " -6" : " -3";
            REQUIRE(shell(tool + level + " -c " + quoted(dir / "input") + " > " + quoted(theirs)) == 0);
            const bytes twice = cat(read_file(theirs), read_file(theirs));
            CHECK(same(decompress(name, twice, tiny_feed), cat(input, input)));
            CHECK(same(decompress(name, twice, odd_feed), cat(input, input)));
        }
    }
}

TEST_CASE("decompressors reject corrupt and truncated input", "[plugins][compressor]")
{
    const bytes input = mixed_bytes(mib + 3333, 21);
    const std::pair<std::string, std::string> formats[] = {{"gzip", "gzip: corrupt or truncated stream"},
                                                           {"zstd", "zstd: truncated stream"}};
    for (const auto& [name, truncated_message] : formats) {
        const bytes good = compress(name, input);
        auto expect_error = [&, name = name](const bytes& bad, const char* what) {
            for (const feed* f : {&big_feed, &tiny_feed}) {
                CAPTURE(name, what, f->label);
                outcome r = try_decompress(name, bad, *f);
                CHECK(r.status == LADING_ERROR);
                CHECK(r.error != "");
            }
            return try_decompress(name, bad).error;
        };

        CHECK(expect_error({}, "empty") == truncated_message);
        CHECK(expect_error(bytes(good.begin(), good.end() - 3), "last bytes cut") == truncated_message);
        CHECK(expect_error(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2)),
                           "cut in half") == truncated_message);
        CHECK(expect_error(bytes(good.begin(), good.begin() + 2), "magic only") == truncated_message);
        expect_error(random_bytes(4096, 5), "garbage");
        expect_error(cat(good, random_bytes(100, 6)), "trailing garbage");

        bytes flipped = good;
        flipped[flipped.size() / 2] ^= 0x10;
        expect_error(flipped, "one flipped bit");
        bytes bad_checksum = good;
        bad_checksum[bad_checksum.size() - (name == "gzip" ? 6 : 2)] ^= 0x01;
        expect_error(bad_checksum, "bad checksum");
    }
}

TEST_CASE("compressors report no annotations and no separate diffID", "[plugins][compressor]")
{
    for (const auto& name : all_compressors) {
        CAPTURE(name);
        const auto& table = compressor(name);
        auto codec = new_compressor(table, table.level_default, 2);
        REQUIRE(run(table, codec.get(), compressible_bytes(1000, 1), medium_feed).status == LADING_DONE);
        CHECK(std::string(table.annotations_json(codec.get())) == "{}");
        CHECK(std::string(table.diff_id(codec.get())) == "");
    }
}

TEST_CASE("abandoning a compressor midway is safe", "[plugins][compressor]")
{
    const bytes input = random_bytes(6 * mib, 8);
    for (const auto& name : all_compressors) {
        CAPTURE(name);
        const auto& table = compressor(name);
        auto codec = new_compressor(table, table.level_default, 4);
        bytes out(4096);
        lading_stream_io io{input.data(), input.size(), out.data(), out.size()};
        for (int i = 0; i < 50 && io.avail_in > 0; ++i) {
            io.next_out = out.data();
            io.avail_out = out.size();
            REQUIRE(table.transform(codec.get(), &io, 0) == LADING_OK);
        }
        // codec_handle destroys it here with chunks still in flight.
    }
}
