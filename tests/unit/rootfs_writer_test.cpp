#include <lading/error.hpp>
#include "unpack/rootfs_writer.hpp"
#include "posix/unique_fd.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/temp_dir.hpp"
#include "tar_bytes.hpp"

using namespace lading;
using namespace lading::unpack;
namespace fs = std::filesystem;
namespace tt = lading::test_tar;

namespace {

// A rootfs being filled, inside a scratch directory that also holds "outside/secret",
// which no layer may reach.
struct unpack_fixture {
    lading::test::temp_dir scratch;
    fs::path root = scratch / "rootfs";
    fs::path outside = scratch / "outside";
    unique_fd root_fd;
    rootfs_writer writer;

    explicit unpack_fixture(bool as_root = ::geteuid() == 0, resolution_limits limits = {})
        : writer(open_root(), as_root, limits)
    {
        fs::create_directories(outside);
        std::ofstream(outside / "secret") << "do not touch\n";
    }

    int open_root()
    {
        fs::create_directories(root);
        root_fd = unique_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(root_fd);
        return root_fd.get();
    }

    void apply(const std::vector<tt::item>& items, const std::string& what = "layer L", layer_options options = {})
    {
        auto bytes = tt::archive(items);
        memory_source src(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
        tar::tar_reader reader(src, what);
        writer.apply_layer(reader, what, options);
    }

    std::string apply_error(const std::vector<tt::item>& items)
    {
        try {
            apply(items);
        } catch (const error& e) {
            return e.what();
        }
        return "";
    }

    // Every path below the scratch directory but inside neither the rootfs nor outside/secret.
    std::vector<std::string> outside_entries() const
    {
        std::vector<std::string> out;
        for (auto it = fs::recursive_directory_iterator(scratch.path()); it != fs::recursive_directory_iterator(); ++it) {
            auto rel = it->path().lexically_relative(scratch.path()).string();
            if (rel == "rootfs") it.disable_recursion_pending();
            if (rel != "rootfs" && rel != "outside" && rel != "outside/secret") out.push_back(rel);
        }
        return out;
    }
};

std::string read_file(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct stat lstat_of(const fs::path& p)
{
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st;
}

bool present(const fs::path& p) { return fs::exists(fs::symlink_status(p)); }

}  // namespace

TEST_CASE("rootfs writer: files, directories, links and fifos land with their attributes", "[unpack][writer]")
{
    unpack_fixture f;
    auto dir = tt::directory("etc/", 0750, 1'500'000'000);
    auto setuid = tt::file("bin/su", "#!/bin/sh\n", 04755, 1'400'000'000);
    auto sticky = tt::directory("tmp/", 01777, 1'400'000'001);
    f.apply({
        dir,
        tt::file("etc/hosts", "127.0.0.1 localhost\n", 0644, 1'300'000'000),
        tt::directory("bin/", 0755),
        setuid,
        sticky,
        tt::symlink("etc/link", "hosts"),
        tt::hardlink("etc/hosts.bak", "etc/hosts"),
        tt::fifo("run-fifo"),
        tt::file("deep/er/file", "parents are made"),
    });
    f.writer.finish();

    CHECK(read_file(f.root / "etc/hosts") == "127.0.0.1 localhost\n");
    CHECK((lstat_of(f.root / "etc/hosts").st_mode & 07777) == 0644);
    CHECK(lstat_of(f.root / "etc/hosts").st_mtime == 1'300'000'000);
    // Set after its entries were created.
    CHECK(lstat_of(f.root / "etc").st_mtime == 1'500'000'000);
    CHECK((lstat_of(f.root / "etc").st_mode & 07777) == 0750);
    CHECK((lstat_of(f.root / "bin/su").st_mode & 07777) == 04755);
    CHECK((lstat_of(f.root / "tmp").st_mode & 07777) == 01777);
    CHECK(fs::read_symlink(f.root / "etc/link") == "hosts");
    CHECK(lstat_of(f.root / "etc/link").st_mtime == 1'600'000'000);
    CHECK(lstat_of(f.root / "etc/hosts.bak").st_ino == lstat_of(f.root / "etc/hosts").st_ino);
    CHECK(S_ISFIFO(lstat_of(f.root / "run-fifo").st_mode));
    CHECK((lstat_of(f.root / "run-fifo").st_mode & 07777) == 0640);
    CHECK((lstat_of(f.root / "deep").st_mode & 07777) == 0755);  // made without an entry
    CHECK((lstat_of(f.root).st_mode & 07777) == 0755);
    CHECK(f.writer.counts().entries == 9);
}

TEST_CASE("rootfs writer: owners and device nodes need root", "[unpack][writer]")
{
    auto owned = tt::file("owned", "x");
    owned.header.uid = 1234;
    owned.header.gid = 5678;
    auto device = tt::fifo("null");
    device.header.type = tar::entry_type::char_device;
    device.header.dev_major = 1;
    device.header.dev_minor = 3;

    SECTION("not as root: no chown, no device node")
    {
        unpack_fixture f(false);
        f.apply({owned, device});
        f.writer.finish();
        CHECK(lstat_of(f.root / "owned").st_uid == ::geteuid());
        CHECK_FALSE(present(f.root / "null"));
        CHECK(f.writer.counts().devices_skipped == 1);
    }
    if (::geteuid() == 0) {
        SECTION("as root: owners are set; the device is made unless the kernel refuses")
        {
            unpack_fixture f(true);
            f.apply({owned, device});
            f.writer.finish();
            CHECK(lstat_of(f.root / "owned").st_uid == 1234);
            CHECK(lstat_of(f.root / "owned").st_gid == 5678);
            if (f.writer.counts().devices_skipped == 0) {
                auto st = lstat_of(f.root / "null");
                CHECK(S_ISCHR(st.st_mode));
                CHECK(st.st_rdev == makedev(1, 3));
            } else {
                WARN("mknod is refused here; the device node was skipped");
                CHECK_FALSE(present(f.root / "null"));
            }
        }
    }
}

TEST_CASE("rootfs writer: a user xattr is set, or counted as skipped", "[unpack][writer]")
{
    unpack_fixture f;
    auto item = tt::file("x", "with an xattr");
    item.header.xattrs = {{"user.demo", "hello"}};
    f.apply({item});
    char value[16] = {};
    auto n = ::lgetxattr((f.root / "x").c_str(), "user.demo", value, sizeof value);
    if (f.writer.counts().xattrs_skipped == 0) {
        CHECK(std::string(value, n > 0 ? static_cast<std::size_t>(n) : 0) == "hello");
    } else {
        WARN("this filesystem refuses user xattrs");
        CHECK(n < 0);
    }
}

TEST_CASE("rootfs writer: whiteouts remove what lower layers had", "[unpack][writer][whiteout]")
{
    unpack_fixture f;
    f.apply({tt::file("a/x", "x"), tt::file("a/y", "y"), tt::directory("b/"), tt::file("b/z", "z"),
             tt::file("c", "lower c")});
    f.apply({tt::whiteout("a/.wh.x"), tt::whiteout(".wh.b"), tt::whiteout("a/.wh.not-there"),
             tt::whiteout("missing-dir/.wh.x"), tt::whiteout(".wh.c"), tt::file("c", "upper c")});
    f.writer.finish();
    CHECK_FALSE(present(f.root / "a/x"));
    CHECK(read_file(f.root / "a/y") == "y");
    CHECK_FALSE(present(f.root / "b"));
    CHECK_FALSE(present(f.root / "missing-dir"));  // a whiteout creates nothing
    CHECK(read_file(f.root / "c") == "upper c");
    CHECK_FALSE(present(f.root / "a/.wh.x"));
}

TEST_CASE("rootfs writer: a whiteout never removes its own layer's entry", "[unpack][writer][whiteout]")
{
    unpack_fixture f;
    f.apply({tt::file("n", "lower")});
    f.apply({tt::file("n", "upper"), tt::whiteout(".wh.n")});
    CHECK(read_file(f.root / "n") == "upper");
}

TEST_CASE("rootfs writer: opaque directories hide lower content, whatever the entry order", "[unpack][writer][whiteout]")
{
    for (bool marker_first : {true, false}) {
        DYNAMIC_SECTION((marker_first ? "marker before its siblings" : "marker after its siblings"))
        {
            unpack_fixture f;
            f.apply({tt::directory("d/"), tt::file("d/old", "old"), tt::directory("d/sub/"), tt::file("d/sub/old2", "o2"),
                     tt::file("d/keep-name", "lower"), tt::file("other", "untouched")});
            std::vector<tt::item> upper = {tt::directory("d/"), tt::file("d/new", "new"), tt::file("d/sub/new2", "n2"),
                                           tt::file("d/keep-name", "upper")};
            auto marker = tt::whiteout("d/.wh..wh..opq");
            if (marker_first) upper.insert(upper.begin() + 1, marker);
            else upper.push_back(marker);
            f.apply(upper);
            f.writer.finish();
            CHECK_FALSE(present(f.root / "d/old"));
            CHECK_FALSE(present(f.root / "d/sub/old2"));
            CHECK(read_file(f.root / "d/new") == "new");
            CHECK(read_file(f.root / "d/sub/new2") == "n2");
            CHECK(read_file(f.root / "d/keep-name") == "upper");
            CHECK(read_file(f.root / "other") == "untouched");
            CHECK_FALSE(present(f.root / "d/.wh..wh..opq"));
        }
    }
}

TEST_CASE("rootfs writer: an entry replaces what is there, a directory keeps a directory", "[unpack][writer]")
{
    unpack_fixture f;
    f.apply({tt::file("p", "file"), tt::directory("q/"), tt::file("q/inside", "i"), tt::directory("r/", 0700),
             tt::file("r/kept", "k"), tt::symlink("s", "../outside")});
    f.apply({tt::directory("p/"), tt::file("p/now-a-dir", "yes"), tt::file("q", "now a file"),
             tt::directory("r/", 0711, 1'234'567'890), tt::directory("s/"), tt::file("s/file", "in a real dir")});
    f.writer.finish();
    CHECK(read_file(f.root / "p/now-a-dir") == "yes");
    CHECK(read_file(f.root / "q") == "now a file");
    CHECK(read_file(f.root / "r/kept") == "k");
    CHECK((lstat_of(f.root / "r").st_mode & 07777) == 0711);
    CHECK(lstat_of(f.root / "r").st_mtime == 1'234'567'890);
    CHECK(S_ISDIR(lstat_of(f.root / "s").st_mode));
    CHECK(read_file(f.root / "s/file") == "in a real dir");
    CHECK(f.outside_entries().empty());
}

TEST_CASE("rootfs writer: an entry after a removed or replaced directory lands in what is there now",
          "[unpack][writer][chain]")
{
    // The writer keeps the directories of the last entry open: each case removes one of them
    // just before an entry that names it again.
    unpack_fixture f;
    SECTION("a directory replaced by a symlink in the same layer")
    {
        f.apply({tt::directory("c/"), tt::directory("a/b/"), tt::file("a/b/f1", "1"), tt::symlink("a/b", "../c"),
                 tt::file("a/b/f2", "2")});
        CHECK(S_ISLNK(lstat_of(f.root / "a/b").st_mode));
        CHECK(read_file(f.root / "c/f2") == "2");
        CHECK_FALSE(present(f.root / "c/f1"));
    }
    SECTION("a directory replaced by a file, then a directory again")
    {
        f.apply({tt::file("d/e/f1", "1"), tt::file("d/e", "a file now"), tt::directory("d/e/"), tt::file("d/e/f2", "2")});
        CHECK(read_file(f.root / "d/e/f2") == "2");
        CHECK_FALSE(present(f.root / "d/e/f1"));
    }
    SECTION("a whiteout of the directory the layer below ended in")
    {
        f.apply({tt::file("w/sub/old", "old")});
        f.apply({tt::whiteout(".wh.w"), tt::file("w/sub/new", "new")});
        CHECK(read_file(f.root / "w/sub/new") == "new");
        CHECK_FALSE(present(f.root / "w/sub/old"));
    }
    SECTION("an opaque marker over the directory the layer below ended in")
    {
        f.apply({tt::file("o/s/old", "old")});
        f.apply({tt::whiteout("o/.wh..wh..opq"), tt::file("o/s/new", "new")});
        CHECK(read_file(f.root / "o/s/new") == "new");
        CHECK_FALSE(present(f.root / "o/s/old"));
    }
    f.writer.finish();
    CHECK(f.outside_entries().empty());
}

TEST_CASE("rootfs writer: a directory that is read-only in the image still receives its entries",
          "[unpack][writer]")
{
    unpack_fixture f;
    f.apply({tt::directory("ro/", 0555), tt::file("ro/a", "a")});
    f.apply({tt::file("ro/b", "b")});
    f.writer.finish();
    CHECK(read_file(f.root / "ro/b") == "b");
    CHECK((lstat_of(f.root / "ro").st_mode & 07777) == 0555);
}

TEST_CASE("rootfs writer: the root entry sets the rootfs's own attributes", "[unpack][writer]")
{
    unpack_fixture f;
    auto root_entry = tt::directory("./", 0700, 1'111'111'111);
    root_entry.header.uid = 4321;
    root_entry.header.gid = 4321;
    f.apply({root_entry, tt::file("f", "x")});
    // Until finish() the rootfs stays this user's: a killed unpack's temporary is its own to clean.
    CHECK(lstat_of(f.root).st_uid == ::geteuid());
    f.writer.finish();
    CHECK((lstat_of(f.root).st_mode & 07777) == 0700);
    CHECK(lstat_of(f.root).st_mtime == 1'111'111'111);
    CHECK(lstat_of(f.root).st_uid == (::geteuid() == 0 ? 4321u : ::geteuid()));

    unpack_fixture g;
    auto message = g.apply_error({tt::file("./", "not a directory")});
    CHECK(message.find("only a directory can stand for the root") != std::string::npos);
}

TEST_CASE("rootfs writer: hostile names are confined to the rootfs", "[unpack][writer][hostile]")
{
    struct hostile {
        const char* title;
        std::vector<std::vector<tt::item>> layers;
        std::string lands_at;  // where the payload ends up inside the rootfs
    };
    unpack_fixture f;
    // Every escape aims at the real outside directory: were confinement broken, the payload
    // would show up there, where the test looks, and nowhere else on the machine.
    const std::string out = f.outside.relative_path().string();
    const std::string climb = "../../../../../../../../../../../../../../../..";
    std::vector<hostile> cases = {
        {"../x", {{tt::file("../outside/x", "payload")}}, "outside/x"},
        {"deep a/../../..", {{tt::file("a/" + climb + "/" + out + "/x", "payload")}}, out + "/x"},
        {"absolute name", {{tt::file("/" + out + "/x", "payload")}}, out + "/x"},
        {"absolute symlink to /, then a file through it",
         {{tt::symlink("evil", "/"), tt::file("evil/" + out + "/x", "payload")}},
         out + "/x"},
        {"absolute symlink to the outside directory",
         {{tt::symlink("evil", "/" + out), tt::file("evil/x", "payload")}},
         out + "/x"},
        {"symlinked parent a -> .., then a/a/outside/x",
         {{tt::symlink("a", ".."), tt::file("a/a/outside/x", "payload")}},
         "outside/x"},
        {"relative symlink to the outside directory",
         {{tt::symlink("out", "../outside"), tt::file("out/x", "payload")}},
         "outside/x"},
        {"symlink from an earlier layer", {{tt::symlink("evil", climb)}, {tt::file("evil/" + out + "/x", "payload")}}, out + "/x"},
        {"a file over an existing symlink replaces the symlink",
         {{tt::symlink("x", "../outside/secret")}, {tt::file("x", "payload")}},
         "x"},
        {"a hardlink through a symlinked parent",
         {{tt::file("x", "payload"), tt::symlink("up", "../.."), tt::hardlink("up/y", "up/x")}},
         "y"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.title)
        {
            for (const auto& layer : c.layers) f.apply(layer);
            f.writer.finish();
            CHECK(read_file(f.root / c.lands_at) == "payload");
            CHECK(read_file(f.outside / "secret") == "do not touch\n");
            CHECK(lstat_of(f.outside / "secret").st_nlink == 1);
            auto escaped = f.outside_entries();
            INFO("outside the rootfs: " << (escaped.empty() ? std::string("nothing") : escaped.front()));
            CHECK(escaped.empty());
        }
    }
}

TEST_CASE("rootfs writer: whiteouts reach nothing outside the rootfs", "[unpack][writer][hostile]")
{
    unpack_fixture f;
    const std::string out = f.outside.relative_path().string();
    f.apply({tt::file(out + "/secret", "the rootfs's own"), tt::symlink("up", "../../../../../../../../../..")});
    f.apply({tt::whiteout("up/" + out + "/.wh.secret")});
    CHECK_FALSE(present(f.root / out / "secret"));
    CHECK(present(f.root / out));
    f.apply({tt::whiteout("../../../../../../../../" + out + "/../.wh.outside")});
    CHECK_FALSE(present(f.root / out));
    CHECK(read_file(f.outside / "secret") == "do not touch\n");
    CHECK(f.outside_entries().empty());
}

TEST_CASE("rootfs writer: entries that cannot mean anything fail with one line naming layer and entry",
          "[unpack][writer][hostile]")
{
    struct bad {
        const char* title;
        std::vector<tt::item> items;
        const char* mentions;
    };
    std::vector<bad> cases = {
        {"whiteout of ..", {tt::whiteout(".wh...")}, "names no entry"},
        {"whiteout of nothing", {tt::whiteout("d/.wh.")}, "names no entry"},
        {"hardlink out of the rootfs", {tt::hardlink("h", "../../outside/secret")}, "is not in the image"},
        {"hardlink to an absolute path", {tt::hardlink("h", "/etc/passwd")}, "is not in the image"},
        {"hardlink to a later entry", {tt::hardlink("h", "later"), tt::file("later", "x")}, "is not in the image"},
        {"hardlink to a directory", {tt::directory("d/"), tt::hardlink("h", "d")}, "is a directory"},
        {"hardlink without a target", {tt::hardlink("h", "..")}, "has no target"},
        {"file below a file", {tt::file("f", "x"), tt::file("f/g\nnewline", "y")}, "is not a directory"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.title)
        {
            unpack_fixture f;
            auto message = f.apply_error(c.items);
            INFO(message);
            CHECK(message.find("layer L: entry \"") != std::string::npos);
            CHECK(message.find(c.mentions) != std::string::npos);
            CHECK(message.find('\n') == std::string::npos);
            CHECK(read_file(f.outside / "secret") == "do not touch\n");
            CHECK(lstat_of(f.outside / "secret").st_nlink == 1);
            CHECK(f.outside_entries().empty());
        }
    }
}

TEST_CASE("rootfs writer: estargz metadata entries are dropped only when asked", "[unpack][writer]")
{
    std::vector<tt::item> layer = {tt::file(".no.prefetch.landmark", "\x0f"), tt::file("real", "r"),
                                   tt::file("stargz.index.json", "{}"), tt::file("sub/stargz.index.json", "kept")};
    unpack_fixture f;
    f.apply(layer, "layer L", {.skip_estargz_metadata = true});
    CHECK_FALSE(present(f.root / "stargz.index.json"));
    CHECK_FALSE(present(f.root / ".no.prefetch.landmark"));
    CHECK(present(f.root / "real"));
    CHECK(present(f.root / "sub/stargz.index.json"));

    unpack_fixture g;
    g.apply(layer);
    CHECK(present(g.root / "stargz.index.json"));
}

TEST_CASE("rootfs writer: a stream that breaks inside a file's content keeps the stream's own message",
          "[unpack][writer]")
{
    unpack_fixture f;
    auto bytes = tt::archive({tt::file("big", std::string(4096, 'b'))}).substr(0, 1000);
    memory_source src(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    tar::tar_reader reader(src, "layer L");
    try {
        f.writer.apply_layer(reader, "layer L", {});
        FAIL("a truncated layer was accepted");
    } catch (const error& e) {
        std::string message = e.what();
        CHECK(message.rfind("layer L is not a valid tar archive: it ends inside", 0) == 0);
    }
}

namespace {

// A layer whose entries each resolve "D/l0", where D is `depth` nested directories holding
// "x" and l0 → l1 → ... → "x" is a chain of `links` symlinks whose targets walk "x/.."
// `pairs` times before naming the next link; then `files` files "D/l0/f<i>", each of which
// re-walks the chain.
std::vector<tt::item> rewalking_layer(std::size_t depth, std::size_t links, std::size_t pairs, std::size_t files)
{
    std::string d;
    for (std::size_t i = 0; i < depth; ++i) d += (i ? "/d" : "d");
    std::vector<tt::item> items{tt::directory(d + "/"), tt::directory(d + "/x/")};
    std::string climb;
    for (std::size_t i = 0; i < pairs; ++i) climb += "x/../";
    for (std::size_t i = 0; i < links; ++i)
        items.push_back(tt::symlink(d + "/l" + std::to_string(i), climb + "l" + std::to_string(i + 1)));
    items.push_back(tt::symlink(d + "/l" + std::to_string(links), "x"));
    for (std::size_t i = 0; i < files; ++i) items.push_back(tt::file(d + "/l0/f" + std::to_string(i), ""));
    return items;
}

}  // namespace

TEST_CASE("rootfs writer: names whose symlinks re-walk the tree are refused, naming the layer and the entry",
          "[unpack][writer][budget]")
{
    unpack_fixture f;
    // Resolved in full, each file's name would cost about 39 * 800 * 400 = 12 million look-ups.
    auto e = f.apply_error(rewalking_layer(400, 39, 800, 3));
    CHECK_THAT(e, Catch::StartsWith("layer L: entry \"d/d/") && Catch::Contains("/l0/f0\": ") &&
                      Catch::Contains("more than 65536 steps"));
}

TEST_CASE("rootfs writer: a layer's names may take steps in proportion to its size", "[unpack][writer][budget]")
{
    // Each file costs 1177 steps (see the confined_path tests) for 512 bytes of header.
    const auto layer = rewalking_layer(20, 5, 10, 12);
    const auto bytes = tt::archive(layer).size();
    {
        unpack_fixture generous(::geteuid() == 0, {.layer_allowance = 12 * 1177});
        generous.apply(layer);
        CHECK(fs::is_regular_file(generous.root / "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/x/f11"));
        CHECK(generous.writer.layer_resolution_steps() > 12 * 1177);
        CHECK(generous.writer.layer_resolution_steps() < 12 * 1177 + bytes);
    }
    {
        unpack_fixture tight(::geteuid() == 0, {.layer_allowance = 1000});
        auto e = tight.apply_error(layer);
        CHECK_THAT(e, Catch::StartsWith("layer L: entry \"d/d/") && Catch::Contains("/l0/f") &&
                          Catch::Contains("bytes of layer"));
        CHECK(tight.writer.layer_resolution_steps() > 1000);
        CHECK(tight.writer.layer_resolution_steps() < 1000 + bytes + 1177);
    }
}

TEST_CASE("rootfs writer: opaque markers repeated in a layer are charged for walking its own entries again",
          "[unpack][writer][budget]")
{
    // The n-th marker looks at the n files before it: the work grows with the square of the
    // layer's length unless it is counted.
    std::vector<tt::item> layer;
    for (int i = 0; i < 200; ++i) {
        layer.push_back(tt::file("f" + std::to_string(i), ""));
        layer.push_back(tt::whiteout(".wh..wh..opq"));
    }
    unpack_fixture f(::geteuid() == 0, {.layer_allowance = 1000, .layer_steps_per_byte = 0});
    auto e = f.apply_error(layer);
    CHECK_THAT(e, Catch::StartsWith("layer L: entry \".wh..wh..opq\": ") && Catch::Contains("more than 1000 steps"));
    CHECK(f.writer.layer_resolution_steps() > 1000);
    CHECK(f.writer.layer_resolution_steps() < 1100);
}

TEST_CASE("rootfs writer: finding the directories again at the end is limited as one layer as long as all of them",
          "[unpack][writer][budget]")
{
    // One entry makes 30 nested directories; setting their attributes finds the parent of
    // each from the root again: 0 + 1 + ... + 29 = 435 steps.
    std::string deep;
    for (int i = 0; i < 30; ++i) deep += "d/";
    {
        unpack_fixture f(::geteuid() == 0, {.layer_allowance = 1000, .layer_steps_per_byte = 0});
        f.apply({tt::file(deep + "f", "x")});
        f.writer.finish();
        CHECK(fs::is_regular_file(f.root / deep / "f"));
    }
    {
        unpack_fixture f(::geteuid() == 0, {.layer_allowance = 400, .layer_steps_per_byte = 0});
        f.apply({tt::file(deep + "f", "x")});
        CHECK_THROWS_WITH(f.writer.finish(), Catch::StartsWith("directory \"d/d/") && Catch::Contains("more than 400 steps"));
    }
}

TEST_CASE("rootfs writer: the paths kept in memory are bounded, deep trees of long names refused",
          "[unpack][writer][budget]")
{
    // Each entry makes 100 directories under 200-byte names: its own path alone is 20 KB,
    // and the paths of the directories on the way add up to about 1 MB.
    const std::string long_name(200, 'x');
    auto deep_file = [&](int i) {
        std::string name = std::to_string(i) + "/";
        for (int level = 0; level < 100; ++level) name += long_name + "/";
        return tt::file(name + "f", "");
    };
    std::vector<tt::item> layer;
    for (int i = 0; i < 8; ++i) layer.push_back(deep_file(i));
    {
        unpack_fixture roomy(::geteuid() == 0, {.kept_path_bytes = 64 << 20});
        roomy.apply(layer);
        roomy.writer.finish();
    }
    unpack_fixture tight(::geteuid() == 0, {.kept_path_bytes = 4 << 20});
    auto e = tight.apply_error(layer);
    CHECK_THAT(e, Catch::StartsWith("layer L: entry \"") && Catch::Contains("more than 4 MiB to keep track of"));
}

TEST_CASE("rootfs writer: whiting out a tree 512 levels deep holds no more descriptors than the removal needs",
          "[unpack][writer][whiteout]")
{
    std::string deep;
    for (std::size_t i = 0; i < max_directory_depth - 1; ++i) deep += "x/";
    // The directories still held open from the deep entry and those of the removal would be
    // over 1000 together; alone, either is about 512.
    rlimit before {};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
    rlimit tight = before;
    tight.rlim_cur = 700;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &tight) == 0);
    std::string failure;
    {
        unpack_fixture f;
        f.apply({tt::file(deep + "f", "x")});
        failure = f.apply_error({tt::whiteout(".wh.x"), tt::file("y", "")});
        if (failure.empty()) {
            f.writer.finish();
            CHECK_FALSE(present(f.root / "x"));
            CHECK(fs::is_regular_file(f.root / "y"));
        }
    }
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &before) == 0);
    CHECK(failure == "");
}
