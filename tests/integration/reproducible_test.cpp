// Same inputs, same SOURCE_DATE_EPOCH -> the same manifest digest: whatever the files'
// mtimes/atimes (with rewrite-timestamp=true), whether the epoch comes from the environment
// or the flag, and whatever the compressor thread count (LADING_THREADS).
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/stat.h>

#include "common/oci_layout.hpp"
#include "common/printable_path.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;

namespace {

constexpr const char* epoch = "1700000000";

// Gives every entry (symlinks themselves included) its own atime and mtime, all after the
// epoch so that rewrite-timestamp has to clamp them.
void set_times(const fs::path& root, std::time_t atime_base, std::time_t mtime_base, int step) {
    std::vector<fs::path> paths{root};
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it)
        paths.push_back(it->path());
    int i = 0;
    for (const auto& p : paths) {
        timespec times[2];
        times[0] = {atime_base + i * step, 123456789};
        times[1] = {mtime_base + i * step * 3, 987654321};
        ++i;
        if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
            FAIL("utimensat " << printable(p) << ": " << std::strerror(errno));
    }
}

std::string layer_digests(const fs::path& store, const std::string& manifest_digest) {
    std::string s;
    try {
        oci_layout layout(store);
        auto m = layout.read_json_blob(manifest_digest);
        for (const auto& l : m.at("layers").as_array()) s += " " + std::string(l.at("digest").as_string());
        s += " config " + std::string(m.at("config").at("digest").as_string());
    } catch (const std::exception& e) {
        s += std::string(" <") + e.what() + ">";
    }
    return s;
}

}  // namespace

TEST_CASE("trees differing only in timestamps export to the same digest", "[integration][reproducible]") {
    temp_dir work;
    const auto a = create_tree_fixture(work / "a", {.seed = 7});
    const auto b = create_tree_fixture(work / "b", {.seed = 7});
    set_times(a.root, 1710000000, 1720000000, 1);
    set_times(b.root, 1790000000, 1750000000, 13);
    struct stat sa {}, sb {};
    REQUIRE(::lstat((a.root / tree_paths::small_file).c_str(), &sa) == 0);
    REQUIRE(::lstat((b.root / tree_paths::small_file).c_str(), &sb) == 0);
    REQUIRE(sa.st_mtim.tv_sec != sb.st_mtim.tv_sec);

    for (const std::string compression : {"gzip", "zstd", "uncompressed"}) {
        DYNAMIC_SECTION("compression=" << compression) {
            const std::string spec = "type=image,name=repro:1,compression=" + compression +
                                     ",oci-mediatypes=true,rewrite-timestamp=true";
            auto export_tree = [&](const fs::path& tree, const std::string& tag, bool epoch_from_env) {
                export_request req{
                    .layers = {tree},
                    .outputs = {spec},
                    .store = work / ("store-" + tag),
                    .metadata_file = work / ("metadata-" + tag + ".json"),
                };
                if (epoch_from_env)
                    req.env["SOURCE_DATE_EPOCH"] = epoch;
                else
                    req.extra_args = {"--source-date-epoch", epoch};
                return std::make_pair(export_ok(req), req.store);
            };
            auto [ma, sa_store] = export_tree(a.root, compression + "-a", true);
            auto [mb, sb_store] = export_tree(b.root, compression + "-b", true);
            INFO("tree a: " << ma.digest << layer_digests(sa_store, ma.digest));
            INFO("tree b: " << mb.digest << layer_digests(sb_store, mb.digest));
            CHECK(ma.config_digest == mb.config_digest);
            CHECK(ma.digest == mb.digest);

            // --source-date-epoch N is the same as SOURCE_DATE_EPOCH=N.
            auto [mf, sf_store] = export_tree(a.root, compression + "-flag", false);
            INFO("tree a, --source-date-epoch: " << mf.digest << layer_digests(sf_store, mf.digest));
            CHECK(mf.digest == ma.digest);
        }
    }
}

TEST_CASE("the compressor thread count does not change the digest", "[integration][reproducible]") {
    temp_dir work;
    // 48 MiB of compressible text on top of the fixture: many gzip blocks and zstd jobs.
    const auto tree = create_tree_fixture(work / "tree", {.seed = 3, .bulk_text_size = 48ull << 20});

    for (const std::string compression : {"gzip", "gzip,compression-level=1", "zstd"}) {
        DYNAMIC_SECTION("compression=" << compression) {
            std::vector<std::pair<std::string, std::string>> digests;  // threads -> digest
            for (const std::string threads : {"1", "2", "4"}) {
                export_request req{
                    .layers = {tree.root},
                    .outputs = {"type=image,name=threads:1,compression=" + compression + ",oci-mediatypes=true"},
                    .store = work / ("store-" + compression + "-" + threads),
                    .metadata_file = work / ("metadata-" + compression + "-" + threads + ".json"),
                    .env = {{"SOURCE_DATE_EPOCH", epoch}, {"LADING_THREADS", threads}},
                };
                auto meta = export_ok(req);
                digests.emplace_back(threads, meta.digest + layer_digests(req.store, meta.digest));
            }
            INFO("LADING_THREADS=1: " << digests[0].second);
            INFO("LADING_THREADS=2: " << digests[1].second);
            INFO("LADING_THREADS=4: " << digests[2].second);
            CHECK(digests[0].second == digests[1].second);
            CHECK(digests[0].second == digests[2].second);
        }
    }
}
