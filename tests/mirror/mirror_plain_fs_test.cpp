// lading-mirror with its cache on a filesystem that lacks what its cold path prefers: no
// O_TMPFILE (the spool is a named file, unlinked at once) or no linking of an open file into
// place (the verified spool is copied into the cache instead). Either way the cold pull is
// served, each blob lands in the cache once, and the warm pull needs no upstream blob.
#include "mirror_fixture.hpp"

#include "common/json_file.hpp"

#include <catch2/catch.hpp>

using namespace lading::test;

TEST_CASE("the mirror fills its cache where the filesystem refuses O_TMPFILE or fd links", "[mirror][pull]")
{
    const auto [refusal, switch_name] = GENERATE(table<std::string, std::string>({
        {"refused O_TMPFILE", "LADING_PLAIN_FS_NO_TMPFILE"},
        {"refused a link of an open file", "LADING_PLAIN_FS_NO_FD_LINK"},
    }));
    INFO(switch_name);
    temp_dir work("lading-mirror-plain-fs-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "team/app:1", {4 << 20, 1 << 20}, 7);
    const auto refusals = work / "refusals.log";
    mirror_process mirror(work / "cache", {{"--upstream", up.url()},
                                           {{"LD_PRELOAD", std::string(LADING_PLAIN_FS_SHIM)},
                                            {switch_name, "1"},
                                            {"LADING_PLAIN_FS_LOG", refusals.string()}}});

    skopeo_pull(mirror.address() + "/team/app:1", work / "cold");
    // The cold path met the refusal, once per blob it spooled at least.
    CHECK(read_text_file(refusals).find(refusal) != std::string::npos);
    for (const auto& d : image.layer_digests) CHECK(up.blob_gets(d) == 1);

    skopeo_pull(mirror.address() + "/team/app:1", work / "warm");
    for (const auto& d : image.layer_digests) CHECK(up.blob_gets(d) == 1);
    CHECK(metric(mirror.url(), "lading_mirror_bytes_from_cache_total") >=
          image.sizes.at(image.layer_digests[0]) + image.sizes.at(image.layer_digests[1]));
    for (const auto& d : image.layer_digests) {
        const auto blob = work / "cache" / "blobs" / "sha256" / d.substr(7);
        REQUIRE(std::filesystem::exists(blob));
        CHECK(std::filesystem::file_size(blob) == image.sizes.at(d));
    }
    require_clean_cache(work / "cache");
}
