// Push hints kept under the cache directory: read back as written, told apart by every
// setting that decides a layer's bytes, and ignored when garbled.
#include <catch2/catch.hpp>

#include "export/push_hints.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <cstdlib>

using namespace lading;
namespace fs = std::filesystem;

namespace {

digest digest_of(const std::string& text)
{
    sha256_hasher h;
    h.update(text);
    return h.finish();
}

// Points LADING_CACHE_DIR at `dir` for the life of the object.
class cache_dir_override {
public:
    explicit cache_dir_override(const fs::path& dir) { ::setenv("LADING_CACHE_DIR", dir.c_str(), 1); }
    ~cache_dir_override() { ::unsetenv("LADING_CACHE_DIR"); }
};

}  // namespace

TEST_CASE("push hints in the cache directory", "[push_hints]")
{
    test::temp_dir dir;
    cache_dir_override cache(dir / "cache");
    REQUIRE(lading_cache_directory() == dir / "cache");
    layer_variant_plan gzip;
    gzip.compression = "gzip";
    gzip.level = 6;
    const auto key = push_hint_key(dir / "tree", gzip);
    const push_hint_book book({});
    CHECK_FALSE(book.find(key).has_value());

    book.remember(key, {digest_of("fingerprint"), digest_of("blob"), 1234});
    auto found = book.find(key);
    REQUIRE(found.has_value());
    CHECK(found->fingerprint == digest_of("fingerprint"));
    CHECK(found->blob == digest_of("blob"));
    CHECK(found->size == 1234);

    SECTION("every setting of the layer makes another key")
    {
        auto zstd = gzip;
        zstd.compression = "zstd";
        auto level = gzip;
        level.level = 9;
        auto clamped = gzip;
        clamped.clamp = 1700000000;
        CHECK(push_hint_key(dir / "tree" / ".." / "tree", gzip) == key);
        for (const auto& other : {push_hint_key(dir / "other", gzip), push_hint_key(dir / "tree", zstd),
                                  push_hint_key(dir / "tree", level), push_hint_key(dir / "tree", clamped)})
            CHECK(other != key);
    }
    SECTION("a garbled hint is no hint")
    {
        for (const auto* garbage : {"{\"digest\":\"sha256:12\"", "not json", "{\"digest\":1,\"fingerprint\":2,\"size\":3}"}) {
            test::write_bytes(dir / "cache" / "push-hints" / (key + ".json"), garbage);
            CHECK_FALSE(book.find(key).has_value());
        }
    }
}

TEST_CASE("the cache keeps the hints used last", "[push_hints]")
{
    test::temp_dir dir;
    cache_dir_override cache(dir / "cache");
    const push_hint_book book({}, 3);
    layer_variant_plan zstd;
    zstd.compression = "zstd";
    zstd.level = 3;
    const auto hints = dir / "cache" / "push-hints";
    auto key_for = [&](int i) { return push_hint_key(dir / ("tree" + std::to_string(i)), zstd); };
    // Each hint written a minute after the one before, so their ages differ on any filesystem.
    auto age = [&](int i, int minutes_ago) {
        fs::last_write_time(hints / (key_for(i) + ".json"),
                            fs::file_time_type::clock::now() - std::chrono::minutes(minutes_ago));
    };
    for (int i = 0; i < 3; ++i) {
        book.remember(key_for(i), {digest_of("fingerprint"), digest_of("blob" + std::to_string(i)), 1});
        age(i, 10 - i);
    }
    test::write_bytes(hints / "unrelated.txt", "not a hint");

    REQUIRE(book.find(key_for(0)).has_value());  // tree0, the oldest, is used again
    book.remember(key_for(3), {digest_of("fingerprint"), digest_of("blob3"), 1});

    CHECK(book.find(key_for(0)).has_value());
    CHECK_FALSE(book.find(key_for(1)).has_value());  // used longest ago
    CHECK(book.find(key_for(2)).has_value());
    CHECK(book.find(key_for(3)).has_value());
    CHECK(fs::exists(hints / "unrelated.txt"));
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(hints)) ++files;
    CHECK(files == 4);  // three hints and the unrelated file
}
