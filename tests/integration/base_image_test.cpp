// Exports on top of a base image from an OCI layout (--from oci-layout://DIR:TAG): what is
// inherited, which base layers force-compression re-encodes (and remembers for the next
// export), what rewrite-timestamp leaves alone, and which --platform a base's config names
// (normalised: arm64/v8 is linux/arm64). Results are read back by readers lading
// did not write: the test's own layout reader, gzip/zstd + sha256 for every diffID, GNU tar
// for file times, skopeo, and a private containerd that imports and unpacks the image.
#include <catch2/catch.hpp>

#include "common/containerd_fixture.hpp"
#include "common/file_bytes.hpp"
#include "common/hand_made_layout.hpp"
#include "common/image_name.hpp"
#include "common/image_view.hpp"
#include "common/json_file.hpp"
#include "common/layer_blob.hpp"
#include "common/oci_layout.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/store_snapshot.hpp"
#include "common/tar_builder.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

#include <fstream>
#include <sys/resource.h>

namespace fs = std::filesystem;
namespace tt = lading::test_tar;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* epoch = "1700000000";
constexpr const char* epoch_rfc3339 = "2023-11-14T22:13:20Z";
constexpr const char* stargz_toc = "containerd.io/snapshot/stargz/toc.digest";

// Every layer blob decompresses (with gzip or zstd, not lading) to the tar its diffID names.
void check_diff_ids(const fs::path& store, const image_view& image)
{
    oci_layout layout(store);
    REQUIRE(image.layer_digests.size() == image.diff_ids.size());
    for (std::size_t i = 0; i < image.layer_digests.size(); ++i) {
        layout.read_blob(image.layer_digests[i]);  // present, and its sha256 matches
        auto tar = decompress_layer(layout.blob_path(image.layer_digests[i]),
                                    compression_of_media_type(image.layer_types[i]));
        INFO("layer " << i << " " << image.layer_digests[i] << ": " << tar.describe(200));
        REQUIRE(tar.succeeded());
        CHECK("sha256:" + sha256_hex(tar.out) == image.diff_ids[i]);
    }
}

void check_readers_accept(const fs::path& store, const std::string& name, const image_view& image)
{
    auto r = run_process({"skopeo", "inspect", "oci:" + store.string() + ":" + name}, 2min);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    CHECK(parse_json(r.out, "skopeo inspect").at("Layers").as_array().size() == image.layer_digests.size());

    containerd_fixture containerd;
    const auto archive = store.parent_path() / (store.filename().string() + ".tar");
    r = run_process({"tar", "-C", store.string(), "-cf", archive.string(), "."}, 5min);
    REQUIRE(r.succeeded());
    r = containerd.ctr({"images", "import", "--snapshotter", "native", archive.string()});
    INFO(r.describe() << "containerd log (tail):\n" << containerd.log_tail());
    REQUIRE(r.succeeded());  // unpacking checks every diffID against the layers
    const auto line = containerd.image_check_line(normalize_image_name(name));
    INFO(line);
    CHECK(line.find("complete") != std::string::npos);
    CHECK(line.ends_with(" true"));  // unpacked
}

// A base of two gzip layers (OCI media types) in its own layout, named base:1.
image_view make_base(const fs::path& work, const env_overrides& env = {})
{
    write_bytes(work / "base-a" / "etc" / "os-release", "ID=lading-test\n");
    write_bytes(work / "base-a" / "bin" / "tool", std::string(300000, 'x'));
    write_bytes(work / "base-b" / "usr" / "share" / "doc", "base layer two\n");
    export_request req{
        .layers = {work / "base-a", work / "base-b"},
        .outputs = {"type=image,name=base:1,oci-mediatypes=true,compression=gzip"},
        .store = work / "base",
        .metadata_file = work / "base-meta.json",
        .env = env,
    };
    auto meta = export_ok(req);
    return read_image(req.store, meta.digest);
}

export_request app_request(const fs::path& work, const std::string& output)
{
    write_bytes(work / "app" / "app" / "main", "app layer\n");
    export_request req;
    req.layers = {work / "app"};
    req.outputs = {output};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    req.extra_args = {"--from", "oci-layout://" + (work / "base").string() + ":base:1"};
    req.env["SOURCE_DATE_EPOCH"] = epoch;
    return req;
}

// The platform fields of an image config, as an index entry's platform object would hold them.
boost::json::object platform_of_config(const boost::json::object& config)
{
    boost::json::object p;
    for (const char* key : {"os", "architecture", "variant", "os.version", "os.features"})
        if (auto* v = config.if_contains(key)) p[key] = *v;
    return p;
}

// Exports app:1 (one new layer) with --platform `asked` on the base layout at work/base:1;
// returns the exported image, whose platform's store entry is `entry`.
// An export of one app layer onto the hand-made layout work/base (tag "1") for `platform`,
// into work/store as `name`, its metadata in work/meta.json.
export_request request_on_hand_made_base(const fs::path& work, const std::string& platform,
                                         const std::string& name = "app:1")
{
    write_bytes(work / "app" / "app" / "main", "app layer\n");
    export_request req;
    req.layers = {work / "app"};
    req.outputs = {"type=image,name=" + name + ",oci-mediatypes=true"};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    req.platform = platform;
    req.extra_args = {"--from", "oci-layout://" + (work / "base").string() + ":1"};
    return req;
}

image_view export_on_hand_made_base(const fs::path& work, const std::string& asked, boost::json::object& entry)
{
    auto req = request_on_hand_made_base(work, asked);
    auto meta = export_ok(req);
    auto found = oci_layout(req.store).find_entry("app:1");
    REQUIRE(found);
    REQUIRE(found->at("digest").as_string() == meta.digest);
    entry = *found;
    return read_image(req.store, meta.digest);
}

std::vector<std::string> first(const std::vector<std::string>& v, std::size_t n)
{
    return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size()))};
}

}  // namespace

TEST_CASE("an OCI-layout base: its config, history and layers are inherited", "[integration][base]")
{
    require_tools({tools::skopeo, tools::containerd, tools::ctr, tools::tar, tools::gzip});
    temp_dir scratch;
    const fs::path work = scratch.path();
    auto base = make_base(work);
    auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true");
    req.extra_args.insert(req.extra_args.end(), {"--env", "MODE=app"});
    auto image = read_image(req.store, export_ok(req).digest);

    REQUIRE(image.layer_digests.size() == 3);
    CHECK(first(image.layer_digests, 2) == base.layer_digests);
    CHECK(first(image.diff_ids, 2) == base.diff_ids);
    const auto& history = image.config.at("history").as_array();
    const auto& base_history = base.config.at("history").as_array();
    REQUIRE(history.size() == base_history.size() + 1);
    for (std::size_t i = 0; i < base_history.size(); ++i) CHECK(history[i] == base_history[i]);
    check_diff_ids(req.store, image);
    check_readers_accept(req.store, "app:1", image);
}

TEST_CASE("force-compression re-encodes base layers of another compression", "[integration][base][force]")
{
    require_tools({tools::skopeo, tools::containerd, tools::ctr, tools::tar, tools::gzip, tools::zstd});
    temp_dir scratch;
    const fs::path work = scratch.path();
    auto base = make_base(work);

    SECTION("without it, base layers keep their gzip bytes under a zstd export")
    {
        auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true,compression=zstd");
        auto image = read_image(req.store, export_ok(req).digest);
        CHECK(first(image.layer_digests, 2) == base.layer_digests);
        CHECK(image.layer_types[0] == "application/vnd.oci.image.layer.v1.tar+gzip");
        CHECK(image.layer_types[2] == "application/vnd.oci.image.layer.v1.tar+zstd");
    }
    SECTION("zstd: converted, same diffIDs, read by skopeo and containerd; the conversion is reused")
    {
        auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true,compression=zstd,force-compression=true");
        auto image = read_image(req.store, export_ok(req).digest);
        REQUIRE(image.layer_digests.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) CHECK(image.layer_types[i] == "application/vnd.oci.image.layer.v1.tar+zstd");
        CHECK(image.layer_digests[0] != base.layer_digests[0]);
        CHECK(image.layer_digests[1] != base.layer_digests[1]);
        CHECK(first(image.diff_ids, 2) == base.diff_ids);
        check_diff_ids(req.store, image);
        // The base's own gzip blobs are not needed by this image and are not copied.
        CHECK_FALSE(fs::exists(oci_layout(req.store).blob_path(base.layer_digests[0])));
        check_readers_accept(req.store, "app:1", image);

        // A second export finds the converted blobs through the store's records: it
        // succeeds even though the base's layer blobs are gone.
        for (const auto& d : base.layer_digests) fs::remove(oci_layout(work / "base").blob_path(d));
        req.outputs = {"type=image,name=app:2,oci-mediatypes=true,compression=zstd,force-compression=true"};
        CHECK(export_ok(req).digest == image.digest);

        // Without the records the conversion needs the base's bytes again: a clear error,
        // and the store is left as it was.
        fs::remove_all(req.store / "conversions");
        const auto before = store_snapshot::take(req.store);
        req.outputs = {"type=image,name=app:3,oci-mediatypes=true,compression=zstd,force-compression=true"};
        auto r = run_export(req);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        // Layers are converted in parallel: whichever failed first is named.
        const auto line = split_lines(r.err).back();
        CHECK((line.find(base.layer_digests[0].substr(7, 12)) != std::string::npos ||
               line.find(base.layer_digests[1].substr(7, 12)) != std::string::npos));
        const auto after = store_snapshot::take(req.store);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);
    }
    SECTION("gzip at another level: the kind of compression matches, so nothing is converted")
    {
        auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true,compression=gzip,compression-level=9,"
                                     "force-compression=true");
        auto image = read_image(req.store, export_ok(req).digest);
        CHECK(first(image.layer_digests, 2) == base.layer_digests);
    }
    SECTION("estargz: converted layers carry the TOC annotation")
    {
        auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true,compression=estargz,force-compression=true");
        auto image = read_image(req.store, export_ok(req).digest);
        for (std::size_t i = 0; i < 3; ++i) {
            CHECK(image.layer_types[i] == "application/vnd.oci.image.layer.v1.tar+gzip");
            CHECK(image.layers[i].contains("annotations"));
            if (image.layers[i].contains("annotations"))
                CHECK(image.layers[i].at("annotations").as_object().contains(stargz_toc));
        }
        CHECK(image.layer_digests[0] != base.layer_digests[0]);
        // estargz rewrites the archive (its TOC is an entry), so the diffIDs are new ones.
        CHECK(image.diff_ids[0] != base.diff_ids[0]);
        check_diff_ids(req.store, image);
        check_readers_accept(req.store, "app:1", image);
    }
    SECTION("Docker media types, uncompressed")
    {
        auto req = app_request(work, "type=image,name=app:1,compression=uncompressed,force-compression=true,"
                                     "oci-mediatypes=false");
        auto image = read_image(req.store, export_ok(req).digest);
        for (std::size_t i = 0; i < 3; ++i) CHECK(image.layer_types[i] == "application/vnd.docker.image.rootfs.diff.tar");
        CHECK(first(image.diff_ids, 2) == base.diff_ids);
        CHECK(image.layer_digests[0] == base.diff_ids[0]);  // an uncompressed blob is its tar
        check_diff_ids(req.store, image);
    }
}

TEST_CASE("conversion records in the store's files are reused at their level only", "[integration][base][force]")
{
    require_tools({tools::gzip, tools::zstd});
    temp_dir scratch;
    const fs::path work = scratch.path();
    auto base = make_base(work);
    auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true");
    export_ok(req);  // the store exists

    // Each base layer converted to zstd -19 by hand, blob and record written as files the way
    // the oci-layout store keeps them; a second record under the key lading used before its
    // keys had a level.
    oci_layout base_layout(work / "base");
    std::vector<std::string> converted;
    for (std::size_t i = 0; i < base.layer_digests.size(); ++i) {
        auto tar = decompress_layer(base_layout.blob_path(base.layer_digests[i]), "gzip");
        REQUIRE(tar.succeeded());
        const auto tar_file = work / ("layer" + std::to_string(i) + ".tar");
        std::ofstream(tar_file, std::ios::binary) << tar.out;
        auto zst = run_process({"zstd", "-q", "-19", "-c", tar_file.string()});
        REQUIRE(zst.succeeded());
        const auto digest = "sha256:" + sha256_hex(zst.out);
        std::ofstream(oci_layout(req.store).blob_path(digest), std::ios::binary) << zst.out;
        const auto record = R"({"annotations":{},"diff_id":")" + base.diff_ids[i] + R"(","digest":")" + digest +
                            R"(","media_suffix":"zstd","size":)" + std::to_string(zst.out.size()) + "}";
        const auto records = req.store / "conversions" / "sha256" / base.layer_digests[i].substr(7);
        write_bytes(records / "zstd" / "19.json", record);
        write_bytes(records / "zstd.json", record);
        converted.push_back(digest);
    }
    // Only the records can make an export work: the base's layer bytes are gone.
    for (const auto& d : base.layer_digests) fs::remove(base_layout.blob_path(d));

    // At the default level (3) neither record is the conversion asked for.
    req.outputs = {"type=image,name=app:2,oci-mediatypes=true,compression=zstd,force-compression=true"};
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);

    req.outputs = {"type=image,name=app:2,oci-mediatypes=true,compression=zstd,compression-level=19,"
                   "force-compression=true"};
    auto image = read_image(req.store, export_ok(req).digest);
    REQUIRE(image.layer_digests.size() == 3);
    CHECK(first(image.layer_digests, 2) == converted);
    CHECK(first(image.diff_ids, 2) == base.diff_ids);
    check_diff_ids(req.store, image);
}

TEST_CASE("force-compression converts base layers at the level asked for, whatever the store holds",
          "[integration][base][force]")
{
    require_tools({tools::gzip, tools::zstd});
    temp_dir scratch;
    const fs::path work = scratch.path();
    // Varied text beside the base's repeated bytes, so that zstd's levels surely differ.
    std::string words;
    for (std::uint32_t x = 1; words.size() < 400000;) {
        x = x * 1103515245u + 12345u;
        words += "word" + std::to_string((x >> 16) % 5000) + ((x >> 8) % 7 ? " " : "\n");
    }
    write_bytes(work / "base-a" / "usr" / "share" / "words", words);
    make_base(work);
    // One app tree for all three exports (writing it again would give its file another mtime).
    const auto app = app_request(work, "");
    const auto export_at = [&](const fs::path& store, const std::string& level_option) {
        auto req = app;
        req.outputs = {"type=image,name=app:1,oci-mediatypes=true,compression=zstd," + level_option +
                       "force-compression=true"};
        req.store = store;
        return read_image(store, export_ok(req).digest);
    };
    const auto default_level = export_at(work / "store", "");  // 3, recorded in the store
    const auto level_19 = export_at(work / "store", "compression-level=19,");
    const auto level_19_fresh = export_at(work / "fresh", "compression-level=19,");

    CHECK(first(level_19.layer_digests, 2) == first(level_19_fresh.layer_digests, 2));
    CHECK(level_19.digest == level_19_fresh.digest);
    CHECK(level_19.layer_digests[0] != default_level.layer_digests[0]);
    CHECK(level_19.digest != default_level.digest);
    check_diff_ids(work / "store", level_19);

    // The records of both levels check clean.
    auto check = lading_cmd().run({"store", "check", "--store", (work / "store").string()}, {}, 2min);
    INFO(check.describe());
    CHECK(check.exit_code == 0);
    CHECK(check.out.find(" 0 faults,") != std::string::npos);
}

TEST_CASE("a corrupt base layer fails the forced conversion cleanly", "[integration][base][force]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    auto base = make_base(work);
    auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true");
    export_ok(req);  // something in the store to keep
    // Replace the first base layer's bytes with another valid gzip tar (the second layer).
    oci_layout layout(work / "base");
    fs::copy_file(layout.blob_path(base.layer_digests[1]), layout.blob_path(base.layer_digests[0]),
                  fs::copy_options::overwrite_existing);
    const auto before = store_snapshot::take(req.store);
    req.outputs = {"type=image,name=app:2,oci-mediatypes=true,compression=zstd,force-compression=true"};
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(base.layer_digests[0]) != std::string::npos);
    const auto after = store_snapshot::take(req.store);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);
}

TEST_CASE("rewrite-timestamp on a base: base layers untouched, new layers clamped", "[integration][base][rewrite]")
{
    require_tools({tools::skopeo, tools::containerd, tools::ctr, tools::tar, tools::gzip, tools::zstd});
    temp_dir scratch;
    const fs::path work = scratch.path();
    auto base = make_base(work);  // no SOURCE_DATE_EPOCH: the base carries today's times
    auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true,compression=zstd,rewrite-timestamp=true");
    auto image = read_image(req.store, export_ok(req).digest);

    REQUIRE(image.layer_digests.size() == 3);
    CHECK(first(image.layer_digests, 2) == base.layer_digests);
    CHECK(first(image.layer_types, 2) == first(base.layer_types, 2));
    CHECK(image.layer_types[2] == "application/vnd.oci.image.layer.v1.tar+zstd");
    CHECK(json_string(image.config, "created") == epoch_rfc3339);
    const auto& history = image.config.at("history").as_array();
    const auto& base_history = base.config.at("history").as_array();
    REQUIRE(history.size() == 3);
    for (std::size_t i = 0; i < 2; ++i) CHECK(history[i] == base_history[i]);
    CHECK(json_string(history[2], "created") == epoch_rfc3339);
    CHECK(json_string(base_history[0], "created") > epoch_rfc3339);  // the base really was newer

    // Every time in the new layer is at most the epoch (GNU tar lists them, in UTC).
    oci_layout layout(req.store);
    auto tar = decompress_layer(layout.blob_path(image.layer_digests[2]), "zstd");
    REQUIRE(tar.succeeded());
    process_options list_times;
    list_times.argv = {"tar", "-tv", "--full-time", "-f", "-"};
    list_times.env["TZ"] = "UTC";
    list_times.stdin_data = tar.out;
    auto listing = run_process(list_times);
    INFO(listing.describe());
    REQUIRE(listing.succeeded());
    auto lines = split_lines(listing.out);
    REQUIRE(lines.size() >= 2);
    for (const auto& line : lines) {
        auto at = line.find(" 20");
        REQUIRE(at != std::string::npos);
        CHECK(line.substr(at + 1, 19) <= "2023-11-14 22:13:20");
    }
    check_diff_ids(req.store, image);
    check_readers_accept(req.store, "app:1", image);

    // The same inputs with newer file times export to the same image.
    fs::last_write_time(work / "app" / "app" / "main", fs::file_time_type::clock::now() + 1h);
    req.outputs = {"type=image,name=app:2,oci-mediatypes=true,compression=zstd,rewrite-timestamp=true"};
    CHECK(export_ok(req).digest == image.digest);
}

TEST_CASE("a base layout blob longer than its descriptor says is refused before it is copied", "[integration][base]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    auto base = make_base(work);
    // A sparse 1 GiB file behind a descriptor of a few hundred KiB.
    oci_layout layout(work / "base");
    fs::resize_file(layout.blob_path(base.layer_digests[0]), std::uintmax_t{1} << 30);
    auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true");

    // Files the export writes may not pass 64 MiB: copying the blob to its end would be killed.
    rlimit saved {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    rlimit limited = saved;
    limited.rlim_cur = 64u << 20;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
    auto r = run_export(req);
    ::setrlimit(RLIMIT_FSIZE, &saved);

    INFO(r.describe());
    CHECK(r.term_signal == 0);
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(base.layer_digests[0]) != std::string::npos);
    CHECK(lines[0].find("does not match its digest and size") != std::string::npos);
}

TEST_CASE("a base without history still gets one history entry per layer with the new ones last", "[integration][base]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    // Two layers and no history at all, as some tools write.
    const std::vector<std::string> tars{lading::test_tar::archive_of({lading::test_tar::file_member("a.txt", "base one\n")}),
                                        lading::test_tar::archive_of({lading::test_tar::file_member("b.txt", "base two\n")})};
    write_hand_made_layout(work / "base", "base:1", "linux/amd64", tars);
    auto req = app_request(work, "type=image,name=app:1,oci-mediatypes=true");
    const auto image = read_image(req.store, export_ok(req).digest);

    const auto& diff_ids = image.config.at("rootfs").at("diff_ids").as_array();
    REQUIRE(diff_ids.size() == 3);
    std::vector<boost::json::object> described;  // the entries that stand for a layer
    for (const auto& h : image.config.at("history").as_array())
        if (!h.as_object().contains("empty_layer") || !h.at("empty_layer").as_bool()) described.push_back(h.as_object());
    REQUIRE(described.size() == diff_ids.size());
    CHECK(described[2].at("created_by").as_string() == "lading export: layer 1");
    CHECK_FALSE(described[0].contains("created_by"));
}

TEST_CASE("a base whose config names the default variant is the platform --platform names without it",
          "[integration][base][platform]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto base_layer = tt::archive_of({tt::file_member("etc/os-release", "ID=hand-made\n")});
    const auto arm64 = boost::json::object{{"architecture", "arm64"}, {"os", "linux"}};
    const auto arm_v7 = boost::json::object{{"architecture", "arm"}, {"os", "linux"}, {"variant", "v7"}};
    // Official arm64 images say v8 in their config, arm32v7 ones v7; some tools write arm alone.
    const struct {
        std::string config_platform, asked;
        boost::json::object written;
    } cases[] = {{"linux/arm64/v8", "linux/arm64", arm64},
                 {"linux/arm64/v8", "linux/arm64/v8", arm64},
                 {"linux/arm/v7", "linux/arm", arm_v7},
                 {"linux/arm", "linux/arm/v7", arm_v7}};
    for (const auto& c : cases) {
        DYNAMIC_SECTION("a " << c.config_platform << " base with --platform " << c.asked)
        {
            write_hand_made_layout(work / "base", "1", c.config_platform, {base_layer});
            auto req = request_on_hand_made_base(work, c.asked);
            auto meta = export_ok(req);
            auto entry = oci_layout(req.store).find_entry("app:1");
            REQUIRE(entry);
            CHECK(entry->at("digest").as_string() == meta.digest);
            CHECK(entry->at("platform") == c.written);
            auto image = read_image(req.store, meta.digest);
            CHECK(image.layer_digests.size() == 2);
            // The config states the normalised platform the index entry does (no variant v8).
            CHECK(platform_of_config(image.config) == c.written);
        }
    }
}

TEST_CASE("an index base: linux/amd64 takes the amd64 entry, linux/amd64/v3 the v3 one, in either order",
          "[integration][base][platform]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto base_layer = tt::archive_of({tt::file_member("etc/os-release", "ID=hand-made\n")});
    const boost::json::object amd64{{"architecture", "amd64"}, {"os", "linux"}};
    const boost::json::object amd64_v3{{"architecture", "amd64"}, {"os", "linux"}, {"variant", "v3"}};
    for (bool v3_first : {true, false}) {
        std::vector<hand_made_entry> entries{{amd64_v3, amd64_v3}, {amd64, amd64}};
        if (!v3_first) std::swap(entries[0], entries[1]);
        for (const auto& asked : {"linux/amd64", "linux/amd64/v3"}) {
            DYNAMIC_SECTION((v3_first ? "v3 listed first" : "v3 listed last") << ", --platform " << asked)
            {
                write_hand_made_index(work / "base", "1", entries, base_layer);
                boost::json::object entry;
                auto image = export_on_hand_made_base(work, asked, entry);
                const auto& expected = std::string(asked) == "linux/amd64" ? amd64 : amd64_v3;
                CHECK(entry.at("platform") == expected);
                CHECK(platform_of_config(image.config) == expected);
            }
        }
    }
}

TEST_CASE("an index base whose entries state no platform: each is the platform its config states",
          "[integration][base][platform]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto base_layer = tt::archive_of({tt::file_member("etc/os-release", "ID=hand-made\n")});
    const boost::json::object arm64{{"architecture", "arm64"}, {"os", "linux"}};
    const boost::json::object amd64{{"architecture", "amd64"}, {"os", "linux"}};
    write_hand_made_index(work / "base", "1", {{{}, arm64}, {{}, amd64}}, base_layer);

    boost::json::object entry;
    auto image = export_on_hand_made_base(work, "linux/amd64", entry);
    CHECK(entry.at("platform") == amd64);
    CHECK(platform_of_config(image.config) == amd64);
    REQUIRE(image.layer_digests.size() == 2);

    auto req = request_on_hand_made_base(work, "linux/s390x", "app:2");
    auto r = run_export(req);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("has no image for linux/s390x (it has: linux/arm64, linux/amd64)"));
}

TEST_CASE("an index base listing one manifest twice, once with a wrong size: the entry picked is checked",
          "[integration][base][platform]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto base_layer = tt::archive_of({tt::file_member("etc/os-release", "ID=hand-made\n")});
    const boost::json::object arm64{{"architecture", "arm64"}, {"os", "linux"}};
    write_hand_made_index(work / "base", "1", {{{}, arm64}}, base_layer);

    // The index's one unlabelled entry is read to learn its platform (arm64). A second entry
    // names the same manifest as linux/amd64 with a size one byte too large: it is the one
    // picked, and the manifest already read must still be checked against it.
    const fs::path blobs = work / "base" / "blobs" / "sha256";
    auto layout_index = read_json_file(work / "base" / "index.json").as_object();
    auto& named = layout_index.at("manifests").as_array().at(0).as_object();
    auto index = read_json_file(blobs / std::string(named.at("digest").as_string()).substr(7)).as_object();
    auto& entries = index.at("manifests").as_array();
    auto lying = entries.at(0).as_object();
    lying["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
    lying["size"] = lying.at("size").to_number<std::int64_t>() + 1;
    entries.push_back(lying);
    const auto index_bytes = boost::json::serialize(index);
    write_bytes(blobs / sha256_hex(index_bytes), index_bytes);
    named["digest"] = "sha256:" + sha256_hex(index_bytes);
    named["size"] = index_bytes.size();
    write_bytes(work / "base" / "index.json", boost::json::serialize(layout_index));

    auto req = request_on_hand_made_base(work, "linux/amd64");
    auto r = run_export(req);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("manifest " + std::string(lying.at("digest").as_string()) + " has ") &&
                          Catch::Contains("bytes, but its descriptor says"));
    CHECK_FALSE(fs::exists(req.store / "index.json"));
}

TEST_CASE("a Windows base index: os.version picks the entry and is written to the index entry and the config",
          "[integration][base][platform]")
{
    temp_dir scratch;
    const fs::path work = scratch.path();
    const auto base_layer = tt::archive_of({tt::file_member("Files/readme.txt", "hand-made\n")});
    const boost::json::object ltsc2019{{"architecture", "amd64"}, {"os", "windows"}, {"os.version", "10.0.17763.5820"}};
    const boost::json::object ltsc2022_entry{
        {"architecture", "amd64"}, {"os", "windows"}, {"os.version", "10.0.20348.2700"}};
    // This config lacks the os.version its index entry gives: the entry's is kept.
    const boost::json::object ltsc2022_config{{"architecture", "amd64"}, {"os", "windows"}};
    write_hand_made_index(work / "base", "1", {{ltsc2019, ltsc2019}, {ltsc2022_entry, ltsc2022_config}}, base_layer);

    SECTION("no version asked: the first entry, as containerd picks")
    {
        boost::json::object entry;
        auto image = export_on_hand_made_base(work, "windows/amd64", entry);
        CHECK(entry.at("platform") == ltsc2019);
        CHECK(platform_of_config(image.config) == ltsc2019);
    }
    SECTION("windows(10.0.20348)/amd64: the Windows Server 2022 entry")
    {
        boost::json::object entry;
        auto image = export_on_hand_made_base(work, "windows(10.0.20348)/amd64", entry);
        CHECK(entry.at("platform") == ltsc2022_entry);
        CHECK(platform_of_config(image.config) == ltsc2022_entry);
    }
    SECTION("both, in one index")
    {
        auto req = request_on_hand_made_base(work, "windows(10.0.17763)/amd64,windows(10.0.20348)/amd64");
        auto meta = export_ok(req);
        oci_layout layout(req.store);
        auto index = parse_json(layout.read_blob(meta.digest), "exported index").as_object();
        const auto& manifests = index.at("manifests").as_array();
        REQUIRE(manifests.size() == 2);
        CHECK(manifests[0].at("platform") == ltsc2019);
        CHECK(manifests[1].at("platform") == ltsc2022_entry);
    }
}

TEST_CASE("an empty --entrypoint or --cmd clears what the base has; an empty --user or --workdir keeps it, as docker's",
          "[integration][base][settings]")
{
    require_tools({tools::skopeo});
    temp_dir scratch;
    const fs::path work = scratch.path();
    write_bytes(work / "base-a" / "bin" / "tool", "tool\n");
    export_request base{
        .layers = {work / "base-a"},
        .outputs = {"type=image,name=base:1,oci-mediatypes=true"},
        .store = work / "base",
        .metadata_file = work / "base-meta.json",
        .extra_args = {"--entrypoint", R"(["/bin/tool"])", "--cmd", R"(["serve"])", "--user", "1000:1000",
                       "--workdir", "/srv"},
    };
    export_ok(base);
    // skopeo reads the config: the keys a cleared setting leaves out are absent, not empty.
    auto runtime_of = [&](const std::string& name) {
        auto r = run_process({"skopeo", "inspect", "--config", "oci:" + (work / "store").string() + ":" + name}, 2min);
        INFO(r.describe());
        REQUIRE(r.succeeded());
        return parse_json(r.out, "skopeo inspect --config").at("config").as_object();
    };

    auto cleared = app_request(work, "type=image,name=cleared:1,oci-mediatypes=true");
    cleared.extra_args.insert(cleared.extra_args.end(),
                              {"--entrypoint", "", "--user", "", "--workdir", ""});
    export_ok(cleared);
    auto runtime = runtime_of("cleared:1");
    INFO(boost::json::serialize(runtime));
    // A new entrypoint drops the base's command, as in a Dockerfile.
    for (const char* key : {"Entrypoint", "Cmd"}) CHECK_FALSE(runtime.contains(key));
    CHECK(runtime.at("User") == "1000:1000");
    CHECK(runtime.at("WorkingDir") == "/srv");

    // An empty --cmd clears the command and keeps the entrypoint; a JSON [] does the same.
    for (const std::string empty : {"", "[]"}) {
        auto no_cmd = app_request(work, "type=image,name=no-cmd:1,oci-mediatypes=true");
        no_cmd.extra_args.insert(no_cmd.extra_args.end(), {"--cmd", empty});
        export_ok(no_cmd);
        runtime = runtime_of("no-cmd:1");
        INFO(empty << ": " << boost::json::serialize(runtime));
        CHECK_FALSE(runtime.contains("Cmd"));
        CHECK(runtime.at("Entrypoint") == boost::json::array{"/bin/tool"});
        CHECK(runtime.at("User") == "1000:1000");
        CHECK(runtime.at("WorkingDir") == "/srv");
    }

    // Without a base an empty entrypoint is no entrypoint, not one empty argument.
    write_bytes(work / "plain" / "f", "f\n");
    export_ok({.layers = {work / "plain"},
               .outputs = {"type=image,name=plain:1,oci-mediatypes=true"},
               .store = work / "store",
               .metadata_file = work / "plain-meta.json",
               .extra_args = {"--entrypoint", ""}});
    runtime = runtime_of("plain:1");
    INFO(boost::json::serialize(runtime));
    CHECK_FALSE(runtime.contains("Entrypoint"));
    CHECK(runtime.at("WorkingDir") == "/");
}
