// lading::convert::make_variant in process, as lading-mirror calls it: several calls for
// one original at once (one process, one store), stop requests (also while a call waits
// for another), and conversion records whose blob no longer holds.
#include "variant_support.hpp"

#include "common/json_file.hpp"
#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

#include "convert/image_variant.hpp"
#include <lading/error.hpp>
#include <lading/plugin/catalog.hpp>
#include <lading/plugin/store.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

using namespace lading::test;
using namespace variant_test;

namespace {

struct converter {
    lading::plugin::catalog plugins{{LADING_TEST_PLUGIN_DIR}};

    lading::descriptor variant(const fs::path& store, const std::string& original, const std::string& compression,
                               std::optional<int> level = std::nullopt, std::stop_token stop = {})
    {
        lading::plugin::store s(plugins.get(LADING_KIND_STORE, "oci-layout"), store.string());
        const lading::descriptor root{"", lading::digest::parse_or_throw(original, "test"), 0, {}, std::nullopt, {}};
        return lading::convert::make_variant(s, plugins, root, {compression, level, 1}, stop);
    }
};

std::string file_text(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("concurrent conversions of one original agree and leave a sound store", "[convert][api]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    converter c;
    // What one call alone gives, in a store of its own.
    const auto original = export_original(work, work / "alone", "app:1");
    const auto alone_zstd = c.variant(work / "alone", original, "zstd").digest;
    const auto alone_estargz = c.variant(work / "alone", original, "estargz").digest;

    const auto store = work / "store";
    REQUIRE(export_original(work, store, "app:1") == original);
    std::vector<std::future<lading::digest>> calls;
    for (const auto* compression : {"zstd", "estargz", "zstd", "estargz"})
        calls.push_back(std::async(std::launch::async, [&, compression] {
            return c.variant(store, original, compression).digest;
        }));
    for (std::size_t i = 0; i < calls.size(); ++i) CHECK(calls[i].get() == (i % 2 == 0 ? alone_zstd : alone_estargz));

    auto r = lading_cmd().run({"store", "check", "--store", store.string()});
    INFO(r.describe());
    CHECK(r.succeeded());
}

TEST_CASE("a stop request ends a conversion and leaves the store as it was", "[convert][api]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    const auto original = export_original(work, store, "app:1", 24ull << 20);
    const auto before = store_snapshot::take(store);
    converter c;

    auto expect_stopped = [&](const std::function<void()>& call) {
        try {
            call();
            FAIL("the conversion ran to its end");
        } catch (const lading::error& e) {
            INFO(e.what());
            CHECK(e.code() == std::errc::operation_canceled);
        }
        const auto after = store_snapshot::take(store);
        INFO(before.describe_differences_to(after));
        CHECK(changed_entries(before, after).empty());
        CHECK(after.entries().size() == before.entries().size());
    };
    SECTION("requested before the call")
    {
        std::stop_source stop;
        stop.request_stop();
        expect_stopped([&] { c.variant(store, original, "zstd", std::nullopt, stop.get_token()); });
    }
    SECTION("requested while a layer is being compressed")
    {
        std::stop_source stop;
        // eStargz compresses as it reads (zstd may take in a whole layer before it compresses).
        auto call = std::async(std::launch::async,
                               [&] { c.variant(store, original, "estargz", std::nullopt, stop.get_token()); });
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        stop.request_stop();
        expect_stopped([&] { call.get(); });
    }
}

TEST_CASE("a call waiting for another conversion of the same image honours a stop request", "[convert][api]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    const auto original = export_original(work, store, "app:1", 24ull << 20);
    converter c;
    auto first = std::async(std::launch::async, [&] { return c.variant(store, original, "estargz").digest; });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::stop_source stop;
    auto second = std::async(std::launch::async,
                             [&] { return c.variant(store, original, "estargz", std::nullopt, stop.get_token()).digest; });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop.request_stop();
    try {
        second.get();
        FAIL("the second call did not wait for the first");
    } catch (const lading::error& e) {
        INFO(e.what());
        CHECK(e.code() == std::errc::operation_canceled);
    }
    const auto made = first.get();
    CHECK(c.variant(store, original, "estargz").digest == made);
}

TEST_CASE("a conversion record whose blob no longer holds is converted again", "[convert][api]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto store = work / "store";
    const auto original = export_original(work, store, "app:1");
    converter c;
    const auto variant = c.variant(store, original, "zstd").digest;

    // The record of the first layer names its zstd blob; flip one byte of that blob.
    const auto source = read_image(store, original);
    const auto layer = json_string(source.layers.at(0), "digest");
    const auto record =
        parse_json(file_text(store / "conversions" / "sha256" / layer.substr(7) / "zstd" / "3.json"), "record");
    const auto converted = json_string(record, "digest");
    const auto blob = oci_layout(store).blob_path(converted);
    auto bytes = file_text(blob);
    bytes[bytes.size() / 2] ^= 0x20;
    fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
    std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;
    REQUIRE("sha256:" + sha256_hex(file_text(blob)) != converted);

    CHECK(c.variant(store, original, "zstd").digest == variant);
    CHECK("sha256:" + sha256_hex(file_text(blob)) == converted);
}

TEST_CASE("a request is checked before any image is at hand", "[convert][api]")
{
    lading::plugin::catalog plugins({LADING_TEST_PLUGIN_DIR});
    using lading::convert::check_variant_request;
    CHECK_NOTHROW(check_variant_request(plugins, {"zstd", 19}));
    CHECK_NOTHROW(check_variant_request(plugins, {"estargz", std::nullopt}));
    CHECK_THROWS_AS(check_variant_request(plugins, {"zstd", 99}), lading::usage_error);
    CHECK_THROWS_WITH(check_variant_request(plugins, {"lz4", std::nullopt}),
                      "unknown compression \"lz4\" (available: estargz, gzip, uncompressed, zstd)");
    CHECK_THROWS_AS(check_variant_request(plugins, {"", std::nullopt}), lading::usage_error);
}
