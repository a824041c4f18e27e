#include <lading/error.hpp>
#include "unpack/confined_path.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "common/temp_dir.hpp"

using namespace lading;
using namespace lading::unpack;
namespace fs = std::filesystem;

namespace {

using parts = std::vector<std::string>;

// A rootfs inside a scratch directory, next to an "outside" directory that must never be reached.
struct rootfs_fixture {
    lading::test::temp_dir scratch;
    fs::path root = scratch / "rootfs";
    fs::path outside = scratch / "outside";
    unique_fd root_fd;

    rootfs_fixture()
    {
        fs::create_directories(root);
        fs::create_directories(outside / "etc");
        root_fd = unique_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(root_fd);
    }

    std::optional<confined_dir> open(const parts& p, resolve_options o = {}, std::vector<std::string>* created = nullptr)
    {
        return open_confined_dir(root_fd.get(), p, o, created);
    }

    // The inode the descriptor points at, compared with a real path's.
    static bool same_directory(const confined_dir& d, const fs::path& p)
    {
        struct stat a {}, b {};
        return ::fstat(d.fd.get(), &a) == 0 && ::stat(p.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    }
};

std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("clean_components: names are cleaned as if rooted at /", "[unpack][confined]")
{
    CHECK(clean_components("a/b/c") == parts{"a", "b", "c"});
    CHECK(clean_components("./a//b/./c/") == parts{"a", "b", "c"});
    CHECK(clean_components("/etc/passwd") == parts{"etc", "passwd"});
    CHECK(clean_components("../x") == parts{"x"});
    CHECK(clean_components("../../../../x") == parts{"x"});
    CHECK(clean_components("a/../../x") == parts{"x"});
    CHECK(clean_components("a/b/../c") == parts{"a", "c"});
    CHECK(clean_components("..") == parts{});
    CHECK(clean_components("") == parts{});
    CHECK(clean_components(".") == parts{});
    CHECK(clean_components("/") == parts{});
    CHECK(clean_components("...") == parts{"..."});
    CHECK(clean_components(".wh...") == parts{".wh..."});
    // The kernel would read "..\0" as "..": a name with a NUL is never used.
    CHECK_THROWS_WITH(clean_components(std::string("..\0/..\0/x", 9)), Catch::Contains("NUL"));
}

TEST_CASE("clean_components: a name of more components than any directory may be deep is refused", "[unpack][confined]")
{
    std::string deep;
    for (std::size_t i = 0; i < max_name_components; ++i) deep += "a/";
    CHECK(clean_components(deep).size() == max_name_components);
    CHECK(clean_components(deep + "../b").size() == max_name_components);  // ".." pops before anything is added
    CHECK_THROWS_WITH(clean_components(deep + "b"), Catch::Contains("more than 4096 components"));
    // 16 MiB of "a/": refused after the first few thousand components, not kept in full.
    std::string huge;
    for (int i = 0; i < (8 << 20); ++i) huge += "a/";
    CHECK_THROWS_WITH(clean_components(huge), Catch::StartsWith("the name \"a/a/a/") && Catch::Contains("components"));
}

TEST_CASE("join_path", "[unpack][confined]")
{
    CHECK(join_path("", "a") == "a");
    CHECK(join_path("a/b", "c") == "a/b/c");
}

TEST_CASE("open_confined_dir: plain directories, missing ones, created ones", "[unpack][confined]")
{
    rootfs_fixture f;
    fs::create_directories(f.root / "a/b");

    auto d = f.open({"a", "b"});
    REQUIRE(d);
    CHECK(d->path == "a/b");
    CHECK(rootfs_fixture::same_directory(*d, f.root / "a/b"));

    auto root = f.open({});
    REQUIRE(root);
    CHECK(root->path.empty());
    CHECK(rootfs_fixture::same_directory(*root, f.root));

    CHECK_FALSE(f.open({"a", "missing", "deeper"}));
    CHECK_FALSE(fs::exists(f.root / "a/missing"));

    std::vector<std::string> created;
    auto made = f.open({"a", "new", "deeper"}, {.create_missing = true}, &created);
    REQUIRE(made);
    CHECK(made->path == "a/new/deeper");
    CHECK(created == parts{"a/new", "a/new/deeper"});
    CHECK(fs::is_directory(f.root / "a/new/deeper"));
}

TEST_CASE("open_confined_dir: symlinks are followed as if the rootfs were /", "[unpack][confined]")
{
    rootfs_fixture f;
    fs::create_directories(f.root / "usr/lib");
    fs::create_directories(f.root / "etc");
    fs::create_symlink("/", f.root / "to-root");
    fs::create_symlink("/etc", f.root / "abs-etc");
    fs::create_symlink("../../../..", f.root / "up");
    fs::create_symlink("usr/lib", f.root / "lib");
    fs::create_symlink("../../../outside", f.root / "usr/lib/escape");
    fs::create_symlink("..", f.root / "dotdot");

    auto check = [&](const parts& p, const std::string& want) {
        INFO(want);
        auto d = f.open(p);
        REQUIRE(d);
        CHECK(d->path == want);
        CHECK(rootfs_fixture::same_directory(*d, want.empty() ? f.root : f.root / want));
    };
    check({"to-root"}, "");
    check({"to-root", "etc"}, "etc");
    check({"abs-etc"}, "etc");  // the rootfs's etc, not the host's
    check({"up"}, "");
    check({"up", "etc"}, "etc");
    check({"lib"}, "usr/lib");
    check({"lib", ".."}, "usr");
    check({"dotdot", "dotdot", "dotdot"}, "");

    // A target outside the rootfs is looked for inside it.
    CHECK_FALSE(f.open({"usr", "lib", "escape"}));
    std::vector<std::string> created;
    auto d = f.open({"usr", "lib", "escape", "x"}, {.create_missing = true}, &created);
    REQUIRE(d);
    CHECK(d->path == "outside/x");
    CHECK(fs::is_directory(f.root / "outside/x"));
    CHECK_FALSE(fs::exists(f.outside / "x"));
    CHECK(created == parts{"outside", "outside/x"});
}

TEST_CASE("open_confined_dir: without following symlinks a symlink counts as missing", "[unpack][confined]")
{
    rootfs_fixture f;
    fs::create_directories(f.root / "real");
    fs::create_symlink("real", f.root / "link");
    CHECK(f.open({"real"}, {.follow_symlinks = false}));
    CHECK_FALSE(f.open({"link"}, {.follow_symlinks = false}));
    CHECK_FALSE(f.open({"link"}, {.create_missing = true, .follow_symlinks = false}));
    CHECK(fs::is_symlink(f.root / "link"));
}

TEST_CASE("open_confined_dir: files, symlink loops and extreme depth are errors", "[unpack][confined]")
{
    rootfs_fixture f;
    std::ofstream(f.root / "file") << "x";
    fs::create_symlink("file", f.root / "to-file");
    fs::create_symlink("loop-b", f.root / "loop-a");
    fs::create_symlink("loop-a", f.root / "loop-b");
    fs::create_symlink("self/x", f.root / "self");

    auto not_dir = error_of([&] { f.open({"file", "x"}, {.create_missing = true}); });
    CHECK(not_dir.find("\"file\" is not a directory") != std::string::npos);
    CHECK(error_of([&] { f.open({"to-file"}); }).find("is not a directory") != std::string::npos);
    CHECK(error_of([&] { f.open({"loop-a"}); }).find("too many levels of symbolic links") != std::string::npos);
    CHECK(error_of([&] { f.open({"self"}, {.create_missing = true}); }).find("too many levels") != std::string::npos);

    parts deep(max_directory_depth + 1, "d");
    CHECK(error_of([&] { f.open(deep, {.create_missing = true}); }).find("nested more than") != std::string::npos);
    parts ok(max_directory_depth, "d");
    CHECK(f.open(ok));
}

TEST_CASE("open_confined_dir: the descriptor count does not grow with depth", "[unpack][confined]")
{
    rootfs_fixture f;
    parts deep(300, "level");
    auto fds_open = [] {
        std::size_t n = 0;
        for (auto& e : fs::directory_iterator("/proc/self/fd")) (void)e, ++n;
        return n;
    };
    const auto before = fds_open();
    auto d = f.open(deep, {.create_missing = true});
    REQUIRE(d);
    CHECK(fds_open() == before + 1);  // only the result stays open
    deep.push_back("..");
    deep.push_back("..");
    auto up = f.open(deep);
    REQUIRE(up);
    CHECK(std::count(up->path.begin(), up->path.end(), '/') == 297);  // 298 levels
}

TEST_CASE("open_confined_dir: a long run of .. in a symlink climbs to the root and stops there", "[unpack][confined]")
{
    rootfs_fixture f;
    parts deep(300, "level");
    REQUIRE(f.open(deep, {.create_missing = true}));
    fs::path at = f.root;
    for (const auto& d : deep) at /= d;
    std::string target;
    for (int i = 0; i < 1300; ++i) target += "../";
    fs::create_symlink(target + "top", at / "up");
    fs::create_directories(f.root / "top");
    deep.push_back("up");
    auto d = f.open(deep);
    REQUIRE(d);
    CHECK(d->path == "top");
    CHECK(rootfs_fixture::same_directory(*d, f.root / "top"));
}

namespace {

// `depth` nested directories "d", holding "x" and a chain of symlinks l0 → l1 → ... → lN →
// "x" whose targets walk "x/.." `pairs` times before naming the next link: each ".." sends
// the resolution back to the root and down the whole depth again.
parts hostile_chain(rootfs_fixture& f, std::size_t depth, std::size_t links, std::size_t pairs)
{
    parts deep(depth, "d");
    REQUIRE(f.open(deep, {.create_missing = true}));
    fs::path at = f.root;
    for (const auto& d : deep) at /= d;
    fs::create_directory(at / "x");
    std::string climb;
    for (std::size_t i = 0; i < pairs; ++i) climb += "x/../";
    for (std::size_t i = 0; i < links; ++i)
        fs::create_symlink(climb + "l" + std::to_string(i + 1), at / ("l" + std::to_string(i)));
    fs::create_symlink("x", at / ("l" + std::to_string(links)));
    deep.push_back("l0");
    return deep;
}

}  // namespace

TEST_CASE("open_confined_dir: symlinks that make a name re-walk the tree are refused after a bounded number of steps",
          "[unpack][confined][budget]")
{
    rootfs_fixture f;
    // 39 links: within the kernel's 40, so only the amount of work can refuse it. Resolved
    // in full, this name costs about 39 * 800 * 400 = 12 million look-ups.
    auto name = hostile_chain(f, 400, 39, 800);
    resolution_budget budget;
    budget.start_entry(0);
    auto e = error_of([&] { f.open(name, {.budget = &budget}); });
    CHECK_THAT(e, Catch::Contains("more than 65536 steps"));
    CHECK(budget.entry_steps() <= 65536 + max_directory_depth + 1);

    // Without a budget of the caller's, the same limit applies to the call alone.
    CHECK_THAT(error_of([&] { f.open(name); }), Catch::Contains("more than 65536 steps"));
}

TEST_CASE("open_confined_dir: a chain of symlinks within the limits resolves, and its steps are counted",
          "[unpack][confined][budget]")
{
    rootfs_fixture f;
    auto name = hostile_chain(f, 20, 5, 10);
    resolution_budget budget;
    budget.start_entry(0);
    auto d = f.open(name, {.budget = &budget});
    REQUIRE(d);
    std::string want;
    for (int i = 0; i < 20; ++i) want += "d/";
    CHECK(d->path == want + "x");
    // Per link: 10 pairs of "x" (one step) and ".." (one step, then 1 + 20 to walk down
    // again from the root), then the next link's name; the 20 directories and l0 come first.
    CHECK(budget.entry_steps() == 21 + 5 * (10 * (1 + 1 + 21) + 1) + 1);
}

TEST_CASE("resolution_budget: a layer gets a fixed allowance plus steps for each byte read", "[unpack][confined][budget]")
{
    resolution_budget budget({.steps_per_entry = 100, .layer_allowance = 150, .layer_steps_per_byte = 2});
    budget.start_entry(0);
    budget.spend(100);
    CHECK_THROWS_WITH(budget.spend(1), Catch::Contains("more than 100 steps"));
    budget.start_entry(0);  // a new entry: 101 spent in the layer
    CHECK_THROWS_WITH(budget.spend(50), Catch::Contains("more than 150 steps, the limit for 0 bytes of layer"));
    budget.start_entry(100);  // 151 spent, 150 + 2 * 100 allowed
    budget.spend(99);
    CHECK(budget.layer_steps() == 250);
    budget.start_entry(100);
    budget.spend(60);
    budget.start_entry(100);
    CHECK_THROWS_WITH(budget.spend(60), Catch::Contains("more than 350 steps, the limit for 100 bytes of layer"));
}
