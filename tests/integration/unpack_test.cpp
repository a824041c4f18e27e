// unpack=true: the root filesystem of the exported image, for this machine's platform,
// lands in the store at unpacked/sha256/<manifest hex>/rootfs. Unpacked trees are compared
// with their sources entry by entry (type, mode, content, links, owners, xattrs, mtimes);
// hostile layers are shown either to stay inside the rootfs or to be refused, with a
// sentinel directory beside the store and a snapshot of everything before and after.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/hand_made_layout.hpp"
#include "common/store_snapshot.hpp"
#include "common/tar_builder.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_compare.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
namespace tt = lading::test_tar;
using namespace std::chrono_literals;

namespace {

std::string host_architecture()
{
    utsname u{};
    ::uname(&u);
    std::string m = u.machine;
    if (m == "x86_64") return "amd64";
    if (m == "aarch64") return "arm64";
    return m;
}

std::string host_platform() { return "linux/" + host_architecture(); }
std::string foreign_platform() { return host_architecture() == "amd64" ? "linux/arm64" : "linux/amd64"; }

fs::path rootfs_of(const fs::path& store, const std::string& manifest_digest)
{
    return store / "unpacked" / "sha256" / manifest_digest.substr(7) / "rootfs";
}

std::string hex_of(const std::string& digest) { return digest.substr(7); }

// The names under <store>/unpacked/sha256/: one per unpacked manifest.
std::set<std::string> unpacked_manifests(const fs::path& store)
{
    std::set<std::string> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(store / "unpacked" / "sha256", ec); !ec && it != fs::directory_iterator(); ++it)
        out.insert(it->path().filename().string());
    return out;
}

// Temporary unpack directories (rootfs.tmp-*) anywhere under <store>/unpacked/sha256/*/.
std::vector<std::string> staging_leftovers(const fs::path& store)
{
    std::vector<std::string> out;
    for (const auto& m : unpacked_manifests(store))
        for (const auto& e : fs::directory_iterator(store / "unpacked" / "sha256" / m))
            if (e.path().filename().string().rfind("rootfs.tmp-", 0) == 0) out.push_back(m + "/" + e.path().filename().string());
    return out;
}

// Entries (relative paths) whose mtime, in whole seconds, differs between the two trees.
std::vector<std::string> mtime_differences(const fs::path& expected, const fs::path& actual)
{
    std::vector<std::string> out;
    for (auto it = fs::recursive_directory_iterator(expected); it != fs::recursive_directory_iterator(); ++it) {
        auto rel = it->path().lexically_relative(expected);
        struct stat want {}, have {};
        if (::lstat(it->path().c_str(), &want) != 0 || ::lstat((actual / rel).c_str(), &have) != 0) {
            out.push_back(rel.string() + ": cannot stat");
            continue;
        }
        if (want.st_mtim.tv_sec != have.st_mtim.tv_sec)
            out.push_back(rel.string() + ": mtime " + std::to_string(have.st_mtim.tv_sec) + ", expected " +
                          std::to_string(want.st_mtim.tv_sec));
    }
    return out;
}

bool running_as_root() { return ::geteuid() == 0; }

tree_compare_options fixture_compare_options(const tree_fixture& t)
{
    tree_compare_options o;
    o.owners = running_as_root() ? owner_policy::stat : owner_policy::ignore;
    o.compare_user_xattrs = t.has_xattr;
    o.devices = t.has_device && running_as_root() ? device_policy::must_match : device_policy::may_be_missing;
    return o;
}

std::string read_text(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

bool present(const fs::path& p) { return fs::exists(fs::symlink_status(p)); }

struct unpack_run {
    process_result process;
    export_metadata meta;
};

// Exports with progress lines on stderr (for the unpack messages) and REQUIREs success.
unpack_run export_unpacked(export_request req)
{
    req.progress = "plain";
    auto r = run_export(req);
    require_success(r);
    INFO(r.describe());
    return {r, read_export_metadata(req.metadata_file)};
}

std::string one_line(const process_result& r)
{
    auto lines = split_lines(r.err);
    CHECK(lines.size() == 1);
    return lines.empty() ? std::string() : lines.front();
}

}  // namespace

TEST_CASE("unpack=true: the rootfs matches the source tree, for every compression", "[unpack]")
{
    const auto& tree = shared_tree();
    for (std::string compression : {"gzip", "zstd", "estargz", "uncompressed"}) {
        DYNAMIC_SECTION("compression=" << compression)
        {
            temp_dir work;
            export_request req;
            req.layers = {tree.root};
            req.platform = host_platform();
            req.store = work / "store";
            req.metadata_file = work / "meta.json";
            req.outputs = {"type=image,name=unpack:1,unpack=true,compression=" + compression +
                           (compression == "estargz" ? ",oci-mediatypes=true" : "")};
            auto run = export_unpacked(req);

            const auto rootfs = rootfs_of(req.store, run.meta.digest);
            REQUIRE(fs::is_directory(rootfs));
            auto differences = compare_trees(tree.root, rootfs, fixture_compare_options(tree));
            INFO("differences:\n" << format_differences(differences));
            CHECK(differences.empty());
            auto times = mtime_differences(tree.root, rootfs);
            INFO("mtimes:\n" << format_differences(times));
            CHECK(times.empty());
            CHECK_FALSE(present(rootfs / "stargz.index.json"));

            CHECK(unpacked_manifests(req.store) == std::set<std::string>{hex_of(run.meta.digest)});
            CHECK(staging_leftovers(req.store).empty());
            CHECK(run.process.err.find("unpacked " + host_platform() + " root filesystem of " + run.meta.digest) !=
                  std::string::npos);
            auto listed = find_listed(list_images(req.store), "unpack:1");
            REQUIRE(listed);
            CHECK(listed->digest == run.meta.digest);
        }
    }
}

TEST_CASE("unpack=true applies layers in order, with whiteouts and opaque directories", "[unpack]")
{
    require_tools({tools::tar});
    temp_dir work;
    // Layer 1, a directory.
    const auto l1 = work / "l1";
    write_text(l1 / "etc/a", "a from layer 1\n");
    write_text(l1 / "etc/b", "b from layer 1\n");
    write_text(l1 / "opt/app/old", "old\n");
    write_text(l1 / "opt/app/sub/old2", "old2\n");
    write_text(l1 / "var/keep", "keep\n");
    write_text(l1 / "gone/file", "gone\n");
    write_text(l1 / "replaced", "a file that becomes a directory\n");
    // Layer 2, a GNU tar archive with whiteout files: one file, one directory, an opaque
    // directory, and a directory over a file.
    const auto l2 = work / "l2";
    write_text(l2 / "etc/.wh.a", "");
    write_text(l2 / ".wh.gone", "");
    write_text(l2 / "opt/app/.wh..wh..opq", "");
    write_text(l2 / "opt/app/new", "new\n");
    write_text(l2 / "opt/app/sub/new2", "new2\n");
    write_text(l2 / "replaced/inside", "inside\n");
    // Layer 3, gzip-compressed: brings a back and whites out what layer 2 added.
    const auto l3 = work / "l3";
    write_text(l3 / "etc/a", "a from layer 3\n");
    write_text(l3 / "etc/c", "c from layer 3\n");
    write_text(l3 / "opt/app/.wh.new", "");
    for (auto [dir, file, flag] : {std::tuple{l2, work / "l2.tar", "-cf"}, std::tuple{l3, work / "l3.tar.gz", "-czf"}}) {
        auto r = run_process({"tar", "-C", dir.string(), flag, file.string(), "."}, 2min);
        INFO(r.describe());
        REQUIRE(r.succeeded());
    }

    const auto expected = work / "expected";
    write_text(expected / "etc/a", "a from layer 3\n");
    write_text(expected / "etc/b", "b from layer 1\n");
    write_text(expected / "etc/c", "c from layer 3\n");
    write_text(expected / "opt/app/sub/new2", "new2\n");
    write_text(expected / "var/keep", "keep\n");
    write_text(expected / "replaced/inside", "inside\n");

    for (std::string compression : {"zstd", "uncompressed"}) {
        DYNAMIC_SECTION("compression=" << compression)
        {
            export_request req{
                .layers = {l1, work / "l2.tar", work / "l3.tar.gz"},
                .outputs = {"type=image,name=layers:1,unpack=true,compression=" + compression},
                .store = work / ("store-" + compression),
                .metadata_file = work / "meta.json",
                .platform = host_platform(),
            };
            auto run = export_unpacked(req);
            const auto rootfs = rootfs_of(req.store, run.meta.digest);
            auto differences = compare_trees(expected, rootfs);
            INFO("differences:\n" << format_differences(differences));
            CHECK(differences.empty());
        }
    }
}

TEST_CASE("unpack=true with --from: the base image's layers, then the new one", "[unpack]")
{
    temp_dir work;
    const auto base = work / "base";
    make_small_tree(base, "base");
    export_request base_req{
        .layers = {base},
        .outputs = {"type=image,name=base:1,compression=zstd,oci-mediatypes=true"},
        .store = work / "base-store",
        .metadata_file = work / "base.json",
        .platform = host_platform(),
    };
    export_ok(base_req);

    const auto top = work / "top";
    write_text(top / "etc/greeting", "the top layer's greeting\n");
    write_text(top / "added/new", "only in the top layer\n");

    const auto expected = work / "expected";
    fs::copy(base, expected, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    write_text(expected / "etc/greeting", "the top layer's greeting\n");
    write_text(expected / "added/new", "only in the top layer\n");

    export_request req;
    req.layers = {top};
    req.platform.clear();  // the base's platform
    req.extra_args = {"--from", "oci-layout://" + base_req.store.string() + ":base:1"};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    req.outputs = {"type=image,name=derived:1,unpack=true"};
    auto run = export_unpacked(req);
    const auto rootfs = rootfs_of(req.store, run.meta.digest);
    auto differences = compare_trees(expected, rootfs);
    INFO("differences:\n" << format_differences(differences));
    CHECK(differences.empty());
    CHECK(read_text(rootfs / "usr/bin/tool") == read_text(base / "usr/bin/tool"));
}

TEST_CASE("unpack=true on a multi-platform export unpacks this machine's platform only", "[unpack]")
{
    temp_dir work;
    const auto tree = work / "tree";
    make_small_tree(tree);

    SECTION("an index with the host's and another platform")
    {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,name=multi:1,unpack=true,oci-mediatypes=true"},
            .store = work / "store",
            .metadata_file = work / "meta.json",
            .platform = host_platform() + "," + foreign_platform(),
        };
        auto run = export_unpacked(req);

        oci_layout layout(req.store);
        auto index = layout.read_json_blob(run.meta.digest);
        std::string host_manifest, foreign_manifest;
        for (const auto& m : index.at("manifests").as_array()) {
            auto arch = json_string(m.at("platform"), "architecture");
            if ("linux/" + arch == host_platform()) host_manifest = json_string(m, "digest");
            if ("linux/" + arch == foreign_platform()) foreign_manifest = json_string(m, "digest");
        }
        REQUIRE_FALSE(host_manifest.empty());
        REQUIRE_FALSE(foreign_manifest.empty());
        CHECK(unpacked_manifests(req.store) == std::set<std::string>{hex_of(host_manifest)});
        auto differences = compare_trees(tree, rootfs_of(req.store, host_manifest));
        INFO("differences:\n" << format_differences(differences));
        CHECK(differences.empty());
    }
    SECTION("no manifest for the host: nothing unpacked, and the export says so")
    {
        export_request req{
            .layers = {tree},
            .outputs = {"type=image,name=foreign:1,unpack=true"},
            .store = work / "store",
            .metadata_file = work / "meta.json",
            .platform = foreign_platform(),
        };
        auto run = export_unpacked(req);
        CHECK_FALSE(present(req.store / "unpacked"));
        CHECK(run.process.err.find("has no image for " + host_platform() + ", nothing unpacked") != std::string::npos);
        CHECK(find_listed(list_images(req.store), "foreign:1"));
    }
}

TEST_CASE("unpack=true with rewrite-timestamp=true: the rootfs carries the clamped times", "[unpack]")
{
    constexpr std::int64_t epoch = 1'000'000'000;
    temp_dir work;
    const auto tree = work / "tree";
    make_small_tree(tree);
    write_text(tree / "old/file", "older than the epoch\n");
    const timespec old_times[2] = {{500'000'000, 0}, {500'000'000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (tree / "old/file").c_str(), old_times, 0) == 0);

    export_request req{
        .layers = {tree},
        .outputs = {"type=image,name=clamped:1,unpack=true,rewrite-timestamp=true"},
        .store = work / "store",
        .metadata_file = work / "meta.json",
        .env = {{"SOURCE_DATE_EPOCH", std::to_string(epoch)}},
        .platform = host_platform(),
    };
    auto run = export_unpacked(req);
    const auto rootfs = rootfs_of(req.store, run.meta.digest);

    std::size_t checked = 0;
    for (auto it = fs::recursive_directory_iterator(rootfs); it != fs::recursive_directory_iterator(); ++it) {
        struct stat st {};
        REQUIRE(::lstat(it->path().c_str(), &st) == 0);
        const auto rel = it->path().lexically_relative(rootfs).string();
        INFO(rel);
        CHECK(st.st_mtim.tv_sec == (rel == "old/file" ? 500'000'000 : epoch));
        ++checked;
    }
    CHECK(checked >= 7);
}

TEST_CASE("exporting an image whose rootfs is already unpacked leaves it as it is", "[unpack]")
{
    temp_dir work;
    const auto tree = work / "tree";
    make_small_tree(tree);
    export_request req{
        .layers = {tree},
        .outputs = {"type=image,name=again:1,unpack=true"},
        .store = work / "store",
        .metadata_file = work / "meta.json",
        .env = {{"SOURCE_DATE_EPOCH", "1700000000"}},
        .platform = host_platform(),
    };
    auto first = export_unpacked(req);
    const auto rootfs = rootfs_of(req.store, first.meta.digest);
    write_text(rootfs / "marker", "not from the image\n");
    struct stat before {};
    REQUIRE(::stat(rootfs.c_str(), &before) == 0);

    req.outputs = {"type=image,\"name=again:1,again:2\",unpack=true"};
    auto second = export_unpacked(req);
    CHECK(second.meta.digest == first.meta.digest);
    CHECK(second.process.err.find(rootfs.string() + " is already there") != std::string::npos);
    CHECK(read_text(rootfs / "marker") == "not from the image\n");
    struct stat after {};
    REQUIRE(::stat(rootfs.c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK(find_listed(list_images(req.store), "again:2"));
}

TEST_CASE("hostile layers stay inside the rootfs or are refused; nothing outside it changes", "[unpack][hostile]")
{
    struct hostile {
        std::string title;
        std::vector<std::vector<tt::member>> layers;
        bool refused;
        std::string mention;   // refused: in the error line
        std::string lands_at;  // confined: where the payload is, relative to the rootfs ("" for nowhere)
        bool refused_as_tarball = false;  // the tarball layer check refuses it before the store sees it
    };
    temp_dir work;
    const fs::path sentinel = work / "sentinel";
    write_text(sentinel / "secret", "sentinel\n");
    const std::string sentinel_abs = sentinel.string();
    const std::string sentinel_rel = sentinel.relative_path().string();  // where it is seen from inside the rootfs
    REQUIRE(sentinel_abs.size() < 50);
    // Escapes aim at the sentinel: were confinement broken, that is where it would show.
    const std::string climb = "../../../../../../../../../../../../";
    std::string nul_climb;
    for (int i = 0; i < 12; ++i) nul_climb += std::string("..\0/", 4);

    std::vector<hostile> cases = {
        {"path traversal ../x", {{tt::file_member("../x", "payload")}}, false, "", "x"},
        {"deep traversal towards the sentinel", {{tt::file_member("a/" + climb + sentinel_rel + "/pwned", "payload")}}, false,
         "", sentinel_rel + "/pwned"},
        {"absolute name in the sentinel", {{tt::file_member(sentinel_abs + "/pwned", "payload")}}, false, "",
         sentinel_rel + "/pwned"},
        {"absolute symlink to the sentinel, then a file through it",
         {{tt::symlink_member("evil", sentinel_abs), tt::file_member("evil/pwned", "payload")}},
         false,
         "",
         sentinel_rel + "/pwned"},
        {"symlink to /, then a file through it",
         {{tt::symlink_member("root", "/"), tt::file_member("root" + sentinel_abs + "/pwned", "payload")}},
         false,
         "",
         sentinel_rel + "/pwned"},
        {"symlinked parent a -> .., then a/a/escape",
         {{tt::symlink_member("a", ".."), tt::file_member("a/a/escape", "payload")}},
         false,
         "",
         "escape"},
        {"symlink climbing to the sentinel, in an earlier layer",
         {{tt::symlink_member("up", "../../../../../../../../../..")}, {tt::file_member("up" + sentinel_abs + "/pwned", "payload")}},
         false,
         "",
         sentinel_rel + "/pwned"},
        {"a file over a symlink to the sentinel's file",
         {{tt::symlink_member("s", sentinel_abs + "/secret")}, {tt::file_member("s", "payload")}},
         false,
         "",
         "s"},
        {"whiteout climbing out to the sentinel", {{tt::file_member(climb + sentinel_rel + "/../.wh.sentinel", "")}}, false, "",
         ""},
        {"hardlink to ../../sentinel/secret", {{tt::hardlink_member("h", "../../sentinel/secret")}}, true, "is not in the image", ""},
        {"hardlink to the sentinel's absolute path", {{tt::hardlink_member("h", sentinel_abs + "/secret")}}, true,
         "is not in the image", ""},
        {"whiteout .wh...", {{tt::file_member("keep", "k"), tt::file_member(".wh...", "")}}, true, "names no entry", ""},
        // The kernel reads "..\0" as "..": such names must never reach a system call.
        {"NUL in a PAX path climbing to the sentinel",
         {{tt::pax_member(tt::pax_record("path", nul_climb + sentinel_rel + "/pwned")), tt::file_member("p", "payload")}},
         true,
         "invalid PAX record",
         "",
         true},
        {"NUL in a PAX whiteout name climbing to the sentinel",
         {{tt::pax_member(tt::pax_record("path", nul_climb + sentinel_rel + "/.wh.secret")), tt::file_member("w", "")}},
         true,
         "invalid PAX record",
         "",
         true},
        {"NUL in a PAX hardlink target outside",
         {{tt::pax_member(tt::pax_record("linkpath", nul_climb + sentinel_rel + "/secret")), tt::hardlink_member("h", "x")}},
         true,
         "invalid PAX record",
         "",
         true},
    };
    int n = 0;
    for (const auto& c : cases) {
        const std::string name = "hostile" + std::to_string(++n) + ":1";
        DYNAMIC_SECTION(c.title)
        {
            const fs::path store = work / "store";
            export_request req;
            if (c.refused_as_tarball) {
                for (std::size_t i = 0; i < c.layers.size(); ++i) {
                    const auto file = work / ("layer-" + std::to_string(n) + "-" + std::to_string(i) + ".tar");
                    write_bytes(file, tt::archive_of(c.layers[i]));
                    req.layers.push_back(file);
                }
            } else {
                // lading refuses such tarballs as layers of its own: they come as a base image,
                // as from a registry or a layout another tool wrote.
                std::vector<std::string> tars;
                for (const auto& l : c.layers) tars.push_back(tt::archive_of(l));
                const auto base = work / ("hostile-base-" + std::to_string(n));
                write_hand_made_layout(base, "base", host_platform(), tars);
                if (!fs::exists(work / "top")) write_text(work / "top" / "top.txt", "a harmless layer\n");
                req.layers = {work / "top"};
                req.extra_args = {"--from", "oci-layout://" + base.string() + ":base"};
            }
            req.platform = host_platform();
            req.store = store;
            req.metadata_file = work / "meta.json";
            req.env = {{"SOURCE_DATE_EPOCH", "1700000000"}};
            req.outputs = {"type=image,name=" + name};
            if (c.refused_as_tarball) {
                // Every tar reader in lading refuses it alike: as a tarball layer it never gets in.
                auto r = run_export(req);
                INFO(r.describe());
                CHECK(r.exit_code == 1);
                CHECK(one_line(r).find(c.mention) != std::string::npos);
                CHECK(read_text(sentinel / "secret") == "sentinel\n");
                std::error_code ec;
                fs::remove_all(store, ec);
                continue;
            }
            // The same image exported first without unpack: its blobs and name are in the store.
            auto stored = export_ok(req);
            const auto before = store_snapshot::take(work.path());

            req.outputs = {"type=image,name=" + name + ",unpack=true"};
            auto r = run_export(req);
            INFO(r.describe());
            CHECK(r.term_signal == 0);
            const auto after = store_snapshot::take(work.path());
            CHECK(read_text(sentinel / "secret") == "sentinel\n");
            CHECK(fs::hard_link_count(sentinel / "secret") == 1);
            if (c.refused) {
                CHECK(r.exit_code == 1);
                auto line = one_line(r);
                CHECK(line.find("layer sha256:") != std::string::npos);
                CHECK(line.find(c.mention) != std::string::npos);
                INFO("changes:\n" << before.describe_differences_to(after));
                CHECK(before == after);
            } else {
                CHECK(r.exit_code == 0);
                const auto rootfs = rootfs_of(store, stored.digest);
                if (!c.lands_at.empty()) CHECK(read_text(rootfs / c.lands_at) == "payload");
                // Everything that changed is the new rootfs and the directories holding it.
                const std::string holder = "store/unpacked/sha256/" + hex_of(stored.digest);
                for (const auto& d : before.differences_to(after)) {
                    INFO(d);
                    CHECK((d.rfind("added: " + holder + "/rootfs/", 0) == 0 || d.rfind("added: " + holder + "/rootfs (", 0) == 0 ||
                           d == "added: " + holder + " (dir)" || d == "added: store/unpacked/sha256 (dir)" ||
                           d == "added: store/unpacked (dir)"));
                }
            }
            std::error_code ec;
            fs::remove_all(store, ec);
        }
    }
}

TEST_CASE("a small layer whose symlinks make every name re-walk the tree is refused, not unpacked for minutes",
          "[unpack][hostile]")
{
    // 400 nested directories "d" holding "x", a chain of 39 symlinks l0 → l1 → ... → "x"
    // whose targets walk "x/.." 800 times before naming the next link, and files through
    // l0: without a bound, each file's name costs about 12 million look-ups.
    std::string deep;
    for (int i = 0; i < 400; ++i) deep += (i ? "/d" : "d");
    std::string climb;
    for (int i = 0; i < 800; ++i) climb += "x/../";
    std::vector<tt::member> members;
    auto add = [&](tt::member m, const std::string& path, const std::string& link = {}) {
        std::string records = tt::pax_record("path", path);
        if (!link.empty()) records += tt::pax_record("linkpath", link);
        members.push_back(tt::pax_member(records));
        members.push_back(std::move(m));
    };
    add(tt::directory_member("long-name"), deep + "/");
    add(tt::directory_member("long-name"), deep + "/x/");
    for (int i = 0; i < 39; ++i)
        add(tt::symlink_member("long-name", "long-target"), deep + "/l" + std::to_string(i), climb + "l" + std::to_string(i + 1));
    add(tt::symlink_member("long-name", "x"), deep + "/l39");
    for (int i = 0; i < 20; ++i) add(tt::file_member("long-name", "payload"), deep + "/l0/f" + std::to_string(i));

    temp_dir work;
    const auto layer = work / "rewalk.tar";
    write_bytes(layer, tt::archive_of(members));
    export_request req{
        .layers = {layer},
        .outputs = {"type=image,name=rewalk:1"},
        .store = work / "store",
        .metadata_file = work / "meta.json",
        .env = {{"SOURCE_DATE_EPOCH", "1700000000"}},
        .platform = host_platform(),
    };
    export_ok(req);
    const auto before = store_snapshot::take(req.store);

    req.outputs = {"type=image,name=rewalk:1,unpack=true"};
    // A guard against a hang, not a performance target: unbounded, this takes minutes.
    auto r = lading_cmd().run(export_argv(req), req.env, 2min);
    INFO(r.describe(2000));
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 1);
    auto line = one_line(r);
    CHECK(line.find("layer sha256:") != std::string::npos);
    CHECK(line.find("/l0/f0\": resolving the name takes more than 65536 steps") != std::string::npos);
    const auto after = store_snapshot::take(req.store);
    INFO("changes:\n" << before.describe_differences_to(after));
    CHECK(before == after);
}

TEST_CASE("a layer that does not match its diffID fails the unpack and leaves the store as it was", "[unpack]")
{
    // A base image whose config claims another diffID for its layer: the derived image
    // inherits the claim, and the unpack checks it.
    temp_dir work;
    const auto base = work / "base";
    make_small_tree(base, "base");
    export_request base_req{
        .layers = {base},
        .outputs = {"type=image,name=base:1,compression=uncompressed,oci-mediatypes=true"},
        .store = work / "base-store",
        .metadata_file = work / "base.json",
        .platform = host_platform(),
    };
    auto base_meta = export_ok(base_req);

    oci_layout base_layout(base_req.store);
    auto manifest = base_layout.read_json_blob(base_meta.digest).as_object();
    auto config = base_layout.read_json_blob(json_string(manifest.at("config"), "digest")).as_object();
    config["rootfs"].as_object()["diff_ids"].as_array()[0] = "sha256:" + std::string(64, '0');
    auto put_blob = [&](const std::string& bytes) {
        auto hex = sha256_hex(bytes);
        write_bytes(base_req.store / "blobs/sha256" / hex, bytes);
        return "sha256:" + hex;
    };
    auto config_bytes = boost::json::serialize(config);
    manifest["config"].as_object()["digest"] = put_blob(config_bytes);
    manifest["config"].as_object()["size"] = config_bytes.size();
    auto manifest_bytes = boost::json::serialize(manifest);
    auto index = base_layout.index().as_object();
    auto& entry = index["manifests"].as_array()[0].as_object();
    entry["digest"] = put_blob(manifest_bytes);
    entry["size"] = manifest_bytes.size();
    write_bytes(base_req.store / "index.json", boost::json::serialize(index));

    const auto top = work / "top";
    write_text(top / "added", "on top\n");
    export_request req;
    req.layers = {top};
    req.platform.clear();
    req.extra_args = {"--from", "oci-layout://" + base_req.store.string() + ":base:1"};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    req.env = {{"SOURCE_DATE_EPOCH", "1700000000"}};
    req.outputs = {"type=image,name=derived:1"};
    export_ok(req);
    const auto before = store_snapshot::take(req.store);

    req.outputs = {"type=image,name=derived:1,unpack=true"};
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto line = one_line(r);
    CHECK(line.find("does not match the image config") != std::string::npos);
    CHECK(line.find("sha256:" + std::string(64, '0')) != std::string::npos);
    const auto after = store_snapshot::take(req.store);
    INFO("changes:\n" << before.describe_differences_to(after));
    CHECK(before == after);

    // With several outputs, one failed unpack binds no name of any output.
    req.outputs = {"type=image,name=other:1", "type=image,name=derived:2,unpack=true"};
    r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    const auto after_two = store_snapshot::take(req.store);
    INFO("changes:\n" << before.describe_differences_to(after_two));
    CHECK(before == after_two);
}

TEST_CASE("unpack=true with store=false, or without a name, is a usage error before any work", "[unpack]")
{
    temp_dir work;
    const auto tree = work / "tree";
    make_small_tree(tree);
    for (std::string output : {"type=image,name=a:1,unpack=true,store=false", "type=image,unpack=true"}) {
        DYNAMIC_SECTION(output)
        {
            export_request req{
                .layers = {tree},
                .outputs = {output},
                .store = work / "store",
                .metadata_file = work / "meta.json",
            };
            auto r = run_export(req);
            INFO(r.describe());
            CHECK(r.exit_code == 2);
            auto line = one_line(r);
            CHECK(line.find("unpack=true") != std::string::npos);
            CHECK(line.find(output.find("store=false") != std::string::npos ? "store=false" : "name=") != std::string::npos);
            CHECK_FALSE(present(req.store));
            CHECK_FALSE(present(req.metadata_file));
        }
    }
}

TEST_CASE("temporaries of a killed unpack are removed by the next one", "[unpack][crash_safety]")
{
    temp_dir work;
    export_request req{
        .store = work / "store",
        .metadata_file = work / "meta.json",
        .platform = host_platform(),
    };

    SECTION("planted leftovers: abandoned ones go, with the directories they leave empty; "
            "those a running writer holds locked stay")
    {
        const auto tree = work / "tree";
        make_small_tree(tree);
        req.layers = {tree};
        req.outputs = {"type=image,name=plain:1"};
        export_ok(req);

        process_options true_command;
        true_command.argv = {"true"};
        child_process gone(true_command);
        const auto dead_pid = gone.pid();
        gone.wait();
        const auto other = req.store / "unpacked/sha256" / std::string(64, 'a');
        const auto dead = other / ("rootfs.tmp-" + std::to_string(dead_pid) + "-abcdef");
        const auto live = other / ("rootfs.tmp-" + std::to_string(::getpid()) + "-ghijkl");
        write_text(dead / "some/file", "left by a killed unpack\n");
        fs::permissions(dead / "some", fs::perms::owner_read | fs::perms::owner_exec);  // not writable: still removed
        write_text(live / "file", "still being written\n");
        // Another manifest's directory that only the killed unpack's temporary is in, and one
        // left empty by an unpack killed before it made its temporary.
        const auto emptied = req.store / "unpacked/sha256" / std::string(64, 'b');
        write_text(emptied / ("rootfs.tmp-" + std::to_string(dead_pid) + "-mnopqr") / "file", "left\n");
        const auto empty = req.store / "unpacked/sha256" / std::string(64, 'c');
        fs::create_directories(empty);
        fs::permissions(req.store / "unpacked", fs::perms::owner_all);  // private, as lading makes it
        // A writer holds its staging directory locked for as long as it works in it.
        const int held = ::open(live.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        REQUIRE(held >= 0);
        REQUIRE(::flock(held, LOCK_EX | LOCK_NB) == 0);

        req.outputs = {"type=image,name=plain:1,unpack=true"};
        auto run = export_unpacked(req);
        CHECK_FALSE(present(dead));
        CHECK_FALSE(present(emptied));
        CHECK_FALSE(present(empty));
        CHECK(read_text(live / "file") == "still being written\n");
        CHECK(fs::is_directory(rootfs_of(req.store, run.meta.digest)));
        ::close(held);
    }
    SECTION("kill -9 while a large layer is being unpacked")
    {
        tree_fixture_options big;
        big.bulk_text_size = 96ull << 20;
        big.bulk_file_size = 8ull << 20;
        big.with_device = false;
        auto tree = create_tree_fixture(work / "big", big);
        req.layers = {tree.root};
        req.outputs = {"type=image,name=big:1,unpack=true,compression=uncompressed"};
        req.env = {{"SOURCE_DATE_EPOCH", "1700000000"}};
        req.progress = "quiet";
        auto child = lading_cmd().start(export_argv(req), req.env);
        bool seen = false;
        for (auto deadline = std::chrono::steady_clock::now() + 5min; std::chrono::steady_clock::now() < deadline;) {
            if (!staging_leftovers(req.store).empty()) {
                seen = true;
                break;
            }
            if (!child.running()) break;
            std::this_thread::sleep_for(1ms);
        }
        REQUIRE(seen);  // the unpack was caught in the middle
        child.send_signal(SIGKILL);
        auto killed = child.wait();
        CHECK(killed.term_signal == SIGKILL);
        CHECK_FALSE(staging_leftovers(req.store).empty());
        CHECK(unpacked_manifests(req.store).size() == 1);
        for (const auto& m : unpacked_manifests(req.store)) CHECK_FALSE(present(req.store / "unpacked/sha256" / m / "rootfs"));
        CHECK_FALSE(find_listed(list_images(req.store), "big:1"));  // names come after the unpack

        auto run = export_unpacked(req);
        CHECK(staging_leftovers(req.store).empty());
        auto differences = compare_trees(tree.root, rootfs_of(req.store, run.meta.digest), fixture_compare_options(tree));
        INFO("differences:\n" << format_differences(differences));
        CHECK(differences.empty());
        CHECK(find_listed(list_images(req.store), "big:1"));
    }
}

TEST_CASE("without root, device nodes are skipped and owners stay the user's", "[unpack]")
{
    temp_dir work;
    fs::permissions(work.path(), fs::perms::all);
    const auto layer = work / "layer.tar";
    write_bytes(layer, tt::archive_of({tt::file_member("file", "content\n"), tt::directory_member("dev"),
                                         {.name = "dev/null", .type = '3', .mode = 0666, .dev_major = 1, .dev_minor = 3},
                                         {.name = "pipe", .type = '6', .mode = 0640},
                                         {.name = "setgid-dir", .type = '5', .mode = 02755}}));
    fs::permissions(layer, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

    export_request req{
        .layers = {layer},
        .outputs = {"type=image,name=rootless:1,unpack=true"},
        .store = work / "store",
        .metadata_file = work / "meta.json",
        .platform = host_platform(),
        .progress = "plain",
    };
    auto options = lading_cmd().options(export_argv(req), req.env);
    constexpr unsigned nobody = 65534;
    if (running_as_root()) {
        require_tools({{"setpriv", "util-linux"}});
        // The build tree may sit below a directory only root can enter (a checkout in a
        // mktemp -d directory): nobody runs a copy of lading and its plugins from work.
        const auto build = lading_cmd().binary().parent_path().parent_path();
        const auto copy = work / "lading-copy";
        fs::create_directories(copy / "bin");
        fs::create_directories(copy / "lib" / "lading");
        fs::copy(build / "lib" / "lading" / "plugins", copy / "lib" / "lading" / "plugins", fs::copy_options::recursive);
        fs::copy_file(lading_cmd().binary(), copy / "bin" / "lading");
        options = lading_cli(copy / "bin" / "lading").options(export_argv(req), req.env);
        options.argv.insert(options.argv.begin(), {"setpriv", "--reuid=" + std::to_string(nobody),
                                                   "--regid=" + std::to_string(nobody), "--clear-groups"});
    }
    auto r = run_process(options);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("1 device node skipped: not running as root") != std::string::npos);
    const auto meta = read_export_metadata(req.metadata_file);
    const auto rootfs = rootfs_of(req.store, meta.digest);
    CHECK(read_text(rootfs / "file") == "content\n");
    CHECK_FALSE(present(rootfs / "dev/null"));
    CHECK(fs::is_directory(rootfs / "dev"));
    CHECK(fs::is_fifo(fs::symlink_status(rootfs / "pipe")));
    struct stat st {};
    REQUIRE(::lstat((rootfs / "file").c_str(), &st) == 0);
    CHECK(st.st_uid == (running_as_root() ? nobody : ::geteuid()));
    REQUIRE(::lstat((rootfs / "setgid-dir").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 02755);
}

TEST_CASE("an unpack area other users could reach, or a link in it, is refused and nothing is unpacked there",
          "[unpack][hostile]")
{
    temp_dir work;
    const auto tree = work / "tree";
    make_small_tree(tree);
    const auto store = work / "store";
    const auto elsewhere = work / "elsewhere";
    fs::create_directories(elsewhere);
    fs::create_directories(store);
    SECTION("a directory open to everyone")
    {
        fs::create_directories(store / "unpacked");
        fs::permissions(store / "unpacked", fs::perms(0755));
    }
    std::string refusal = "is not a private directory of this user";
    std::size_t planted = 0;  // entries the test put in the area
    SECTION("a symbolic link to another directory")
    {
        fs::create_directory_symlink(elsewhere, store / "unpacked");
    }
    SECTION("a private area with a link planted in it")
    {
        // Everything below the area is reached from its opened descriptor without following a
        // link, so nothing can move the rootfs (device nodes, setuid files) out of it.
        fs::create_directories(store / "unpacked");
        fs::permissions(store / "unpacked", fs::perms::owner_all);  // private, as lading makes it
        fs::create_directory_symlink(elsewhere, store / "unpacked" / "sha256");
        refusal = (store / "unpacked" / "sha256").string();
        planted = 1;
    }
    export_request req{
        .layers = {tree},
        .outputs = {"type=image,name=reachable:1,unpack=true"},
        .store = store,
        .metadata_file = work / "meta.json",
        .env = {{"SOURCE_DATE_EPOCH", "1700000000"}},
        .platform = host_platform(),
        .progress = "plain",
    };
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    const auto lines = split_lines(r.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find(refusal) != std::string::npos);
    // No progress line says the image got its name.
    CHECK(r.err.find("reachable:1") == std::string::npos);
    CHECK(fs::is_empty(elsewhere));
    if (fs::is_directory(fs::symlink_status(store / "unpacked")))
        CHECK(static_cast<std::size_t>(std::distance(fs::directory_iterator(store / "unpacked"), fs::directory_iterator())) ==
              planted);
}

