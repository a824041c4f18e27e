// A repeat push of an unchanged tree (push=true) does not send its layer again: the first
// push leaves a hint (the tree's stat fingerprint and the blob it gave), the second finds
// the blob in the repository and does not stream it. A stale, misleading or garbled hint
// only costs an upload: the image in the registry is always the tree's. Uploads are counted
// at a fault proxy in front of a real docker-registry; skopeo reads every blob back.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

const std::string not_streamed = "(from the last export of this tree): not streamed";

// A tree whose layer takes a PATCH and a PUT when streamed, with its hints under work/cache.
// A layer larger than streamed_layers::hold_limit (4 MiB) is still being built when its
// hint has been checked; a smaller one can be built completely before its stream opens.
export_request hinted_export(const fs::path& work, const std::string& output, const fs::path& cache,
                             std::size_t noise_bytes = 2 << 20)
{
    const auto tree = work / "hinted-tree";
    if (!fs::exists(tree)) {
        fs::create_directories(tree / "data");
        write_random_file(tree / "data" / "noise.bin", noise_bytes, 21);
        write_text_file(tree / "data" / "words.txt", 64 << 10, 22);
    }
    return {.layers = {tree},
            .outputs = {output},
            .store = work / "store",
            .metadata_file = work / "meta.json",
            .env = {{"SOURCE_DATE_EPOCH", "1700000000"},
                    {"LADING_REGISTRY_RETRY_DELAY_MS", "5"},
                    {"LADING_CACHE_DIR", cache.string()}},
            .progress = "plain"};
}

// Requests that carry blob bytes (a streamed or a plain upload) to `repository`.
std::size_t blob_uploads(const fault_proxy& proxy, const std::string& repository)
{
    auto all = proxy.requests();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](const proxied_request& r) {
        return (r.method == "POST" || r.method == "PATCH" || r.method == "PUT") &&
               r.target.find("/v2/" + repository + "/blobs/uploads/") != std::string::npos;
    }));
}

process_result export_passes(const export_request& req)
{
    auto r = run_export(req);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
}

// The one hint file a push left under `cache`.
fs::path only_hint(const fs::path& cache)
{
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(cache / "push-hints")) files.push_back(e.path());
    REQUIRE(files.size() == 1);
    return files.front();
}

}  // namespace

TEST_CASE("a repeat push of an unchanged tree uploads no layer again", "[registry][push_hint]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto cache = work / "cache";
    const auto ref = proxy.address() + "/hinted/app:1";

    SECTION("store=false: the hint is kept in the cache directory")
    {
        const auto req = hinted_export(work.path(), "type=registry,name=" + ref + ",store=false", cache);
        const auto first = export_passes(req);
        CHECK(first.err.find(not_streamed) == std::string::npos);
        const auto first_digest = read_export_metadata(req.metadata_file).digest;
        const auto uploads = blob_uploads(proxy, "hinted/app");
        CHECK(uploads >= 3);  // the layer's POST, PATCH and PUT, then the config's
        CHECK(fs::is_regular_file(only_hint(cache)));

        const auto second = export_passes(req);
        CHECK(second.err.find("already in " + proxy.address() + "/hinted/app") != std::string::npos);
        CHECK(second.err.find(not_streamed) != std::string::npos);
        CHECK(blob_uploads(proxy, "hinted/app") == uploads);
        CHECK(read_export_metadata(req.metadata_file).digest == first_digest);
        CHECK(skopeo_digest(registry.address() + "/hinted/app:1", {"--tls-verify=false"}) == first_digest);
        require_skopeo_copy_intact(registry.address() + "/hinted/app:1", work / "copy");
    }
    SECTION("store=true: the hint is kept in the store, none in the cache directory")
    {
        auto req = hinted_export(work.path(), "type=image,name=" + ref + ",push=true", cache);
        export_passes(req);
        const auto uploads = blob_uploads(proxy, "hinted/app");
        CHECK(fs::is_directory(req.store / "push-hints"));
        CHECK_FALSE(fs::exists(cache));

        const auto second = export_passes(req);
        CHECK(second.err.find(not_streamed) != std::string::npos);
        CHECK(blob_uploads(proxy, "hinted/app") == uploads);
        CHECK(skopeo_digest(registry.address() + "/hinted/app:1", {"--tls-verify=false"}) ==
              read_export_metadata(req.metadata_file).digest);
        CHECK(find_listed(list_images(req.store), ref).has_value());
        require_skopeo_copy_intact(registry.address() + "/hinted/app:1", work / "copy");
    }
}

TEST_CASE("a stale, misleading or garbled push hint costs an upload, never the image", "[registry][push_hint]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto cache = work / "cache";
    const auto req = hinted_export(work.path(), "type=registry,name=" + proxy.address() + "/stale/app:1,store=false",
                                   cache, 12 << 20);
    const auto first = read_export_metadata((export_passes(req), req.metadata_file)).digest;
    const auto uploads = blob_uploads(proxy, "stale/app");

    SECTION("a file rewritten with the same size and its mtime put back: streamed again")
    {
        const auto file = work / "hinted-tree" / "data" / "words.txt";
        struct stat st {};
        REQUIRE(::stat(file.c_str(), &st) == 0);
        auto text = read_text_file(file);
        text[0] = text[0] == 'x' ? 'y' : 'x';
        write_bytes(file, text);
        const struct timespec times[2] = {st.st_atim, st.st_mtim};
        REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);

        const auto again = export_passes(req);
        CHECK(again.err.find(not_streamed) == std::string::npos);
        CHECK(blob_uploads(proxy, "stale/app") >= uploads + 3);
        const auto changed = read_export_metadata(req.metadata_file).digest;
        CHECK(changed != first);
        CHECK(skopeo_digest(registry.address() + "/stale/app:1", {"--tls-verify=false"}) == changed);
        require_skopeo_copy_intact(registry.address() + "/stale/app:1", work / "copy");
    }
    SECTION("a new repository that lacks the hinted blob: streamed there")
    {
        auto other = req;
        other.outputs = {"type=registry,name=" + proxy.address() + "/stale/other:1,store=false"};
        const auto again = export_passes(other);
        CHECK(again.err.find(not_streamed) == std::string::npos);
        CHECK(blob_uploads(proxy, "stale/other") >= 3);
        CHECK(skopeo_digest(registry.address() + "/stale/other:1", {"--tls-verify=false"}) == first);
        require_skopeo_copy_intact(registry.address() + "/stale/other:1", work / "copy");
    }
    SECTION("a hint naming another blob the repository holds: not streamed, then uploaded by the push")
    {
        // Another tree's layer in a new repository; the tree's hint now claims to have given it.
        auto seed = req;
        seed.layers = {work / "seed-tree"};
        make_small_tree(seed.layers[0]);
        seed.outputs = {"type=registry,name=" + proxy.address() + "/stale/misled:seed,store=false"};
        seed.env["LADING_CACHE_DIR"] = (work / "seed-cache").string();
        export_passes(seed);
        const auto seed_hint = read_json_file(only_hint(work / "seed-cache"));
        const auto seed_layer = json_string(seed_hint, "digest");
        const auto hint = only_hint(cache);
        auto record = read_json_file(hint).as_object();
        record["digest"] = seed_layer;
        record["size"] = seed_hint.as_object().at("size");  // else the registry's Content-Length gives the hint away
        write_bytes(hint, boost::json::serialize(record));
        const auto before = blob_uploads(proxy, "stale/misled");

        auto misled = req;
        misled.outputs = {"type=registry,name=" + proxy.address() + "/stale/misled:1,store=false"};
        const auto again = export_passes(misled);
        CHECK(again.err.find("already in " + proxy.address() + "/stale/misled as " + seed_layer) != std::string::npos);
        CHECK(blob_uploads(proxy, "stale/misled") > before);
        CHECK(again.err.find("again for its upload: store=false kept no copy of it") != std::string::npos);
        CHECK(skopeo_digest(registry.address() + "/stale/misled:1", {"--tls-verify=false"}) == first);
        require_skopeo_copy_intact(registry.address() + "/stale/misled:1", work / "copy");
    }
    SECTION("a hint whose blob the repository holds with another size: streamed as usual")
    {
        auto record = read_json_file(only_hint(cache)).as_object();
        record["size"] = record["size"].to_number<std::uint64_t>() + 1;
        write_bytes(only_hint(cache), boost::json::serialize(record));
        const auto again = export_passes(req);
        CHECK(again.err.find(not_streamed) == std::string::npos);
        CHECK(blob_uploads(proxy, "stale/app") >= uploads + 3);
        CHECK(read_export_metadata(req.metadata_file).digest == first);
        require_skopeo_copy_intact(registry.address() + "/stale/app:1", work / "copy");
    }
    SECTION("a garbled hint is ignored: streamed, and the hint made whole again")
    {
        write_bytes(only_hint(cache), "{\"fingerprint\": \"sha256:");
        const auto again = export_passes(req);
        CHECK(again.err.find(not_streamed) == std::string::npos);
        CHECK(blob_uploads(proxy, "stale/app") >= uploads + 3);
        CHECK(read_json_file(only_hint(cache)).is_object());
        CHECK(read_export_metadata(req.metadata_file).digest == first);
        require_skopeo_copy_intact(registry.address() + "/stale/app:1", work / "copy");
    }
}

TEST_CASE("a store keeps the 1000 push hints written last", "[registry][push_hint]")
{
    temp_dir work;
    registry_server registry;
    auto req = hinted_export(work.path(), "type=image,name=" + registry.address() + "/kept/app:1,push=true",
                             work / "cache");
    const auto hints = req.store / "push-hints" / "sha256";
    fs::create_directories(hints);
    // Hints of 1000 other trees, written in the past (one a second), one from a release that
    // kept no time (the oldest of all), and a record that is no hint (never removed).
    auto hint_text = [](std::int64_t used) {
        const std::string d = "sha256:" + std::string(64, 'a');
        return R"({"digest":")" + d + R"(","fingerprint":")" + d + R"(","size":1)" +
               (used ? R"(,"used":)" + std::to_string(used) : std::string()) + "}";
    };
    auto name = [](int i) {
        auto hex = std::to_string(1000000 + i);
        return std::string(64 - hex.size(), 'c') + hex;
    };
    for (int i = 0; i < 999; ++i) write_bytes(hints / (name(i) + ".json"), hint_text(1600000000 + i));
    write_bytes(hints / (name(999) + ".json"), hint_text(0));
    write_bytes(hints / (std::string(64, 'e') + ".json"), "not a hint");

    export_passes(req);

    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(hints)) left.push_back(e.path().stem().string());
    auto kept = [&](const std::string& n) { return std::find(left.begin(), left.end(), n) != left.end(); };
    CHECK(left.size() == 1001);  // 1000 hints and the record that is none
    CHECK_FALSE(kept(name(999)));  // the hint without a time went first
    CHECK(kept(name(0)));          // the oldest timed one stays: the limit is met
    CHECK(kept(std::string(64, 'e')));
    // The export's own hint is among them, and a repeat push finds it.
    const auto second = export_passes(req);
    CHECK(second.err.find(not_streamed) != std::string::npos);

    SECTION("one more tree's push drops the hint written longest ago")
    {
        auto other = hinted_export(work / "other", "type=image,name=" + registry.address() + "/kept/other:1,push=true",
                                   work / "cache");
        other.store = req.store;
        export_passes(other);
        left.clear();
        for (const auto& e : fs::directory_iterator(hints)) left.push_back(e.path().stem().string());
        CHECK(left.size() == 1001);
        CHECK_FALSE(kept(name(0)));
        CHECK(kept(name(1)));
    }
}
