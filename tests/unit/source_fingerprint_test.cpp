// The stat fingerprint of a --layer source: stable while nothing changes, different after
// any change a layer's bytes could follow (content, times, mode, names, links, inodes).
#include <catch2/catch.hpp>

#include "layer/source_fingerprint.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

using lading::layer::source_fingerprint;
namespace fs = std::filesystem;

namespace {

// The kernel stamps ctime from a coarse clock: wait a tick so a change shows.
void next_tick() { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }

}  // namespace

TEST_CASE("a tree's fingerprint follows every stat change of its entries", "[source_fingerprint]")
{
    lading::test::temp_dir dir;
    const auto tree = dir / "tree";
    fs::create_directories(tree / "sub");
    lading::test::write_bytes(tree / "sub" / "file.txt", "hello\n");
    lading::test::write_bytes(tree / "top.txt", "top\n");
    fs::create_symlink("sub/file.txt", tree / "link");
    const auto before = source_fingerprint(tree);
    REQUIRE(before.has_value());
    CHECK(source_fingerprint(tree) == before);
    next_tick();

    SECTION("content of the same size, with its mtime put back: ctime differs")
    {
        struct stat st {};
        REQUIRE(::stat((tree / "sub" / "file.txt").c_str(), &st) == 0);
        lading::test::write_bytes(tree / "sub" / "file.txt", "HELLO\n");
        const struct timespec times[2] = {st.st_atim, st.st_mtim};
        REQUIRE(::utimensat(AT_FDCWD, (tree / "sub" / "file.txt").c_str(), times, 0) == 0);
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("a size")
    {
        lading::test::write_bytes(tree / "top.txt", "top, longer\n");
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("a mode")
    {
        fs::permissions(tree / "top.txt", fs::perms::owner_exec, fs::perm_options::add);
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("a symlink's target")
    {
        fs::remove(tree / "link");
        fs::create_symlink("sub/FILE.txt", tree / "link");
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("a renamed entry")
    {
        fs::rename(tree / "top.txt", tree / "top2.txt");
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("a new empty directory deep down")
    {
        fs::create_directory(tree / "sub" / "empty");
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("a file replaced by an identical copy (another inode)")
    {
        fs::copy_file(tree / "top.txt", tree / "copy");
        struct stat st {};
        REQUIRE(::stat((tree / "top.txt").c_str(), &st) == 0);
        const struct timespec times[2] = {st.st_atim, st.st_mtim};
        REQUIRE(::utimensat(AT_FDCWD, (tree / "copy").c_str(), times, 0) == 0);
        fs::rename(tree / "copy", tree / "top.txt");
        CHECK(source_fingerprint(tree) != before);
    }
    SECTION("reading the files changes nothing")
    {
        std::ifstream in(tree / "sub" / "file.txt");
        std::string line;
        CHECK(std::getline(in, line));
        CHECK(line == "hello");
        CHECK(source_fingerprint(tree) == before);
    }
}

TEST_CASE("a tarball's fingerprint is its own stat; a missing source has none", "[source_fingerprint]")
{
    lading::test::temp_dir dir;
    const auto tarball = dir / "layer.tar";
    lading::test::write_bytes(tarball, std::string(1024, '\0'));
    const auto before = source_fingerprint(tarball);
    REQUIRE(before.has_value());
    CHECK(source_fingerprint(tarball) == before);
    next_tick();
    struct stat st {};
    REQUIRE(::stat(tarball.c_str(), &st) == 0);
    REQUIRE(::chmod(tarball.c_str(), st.st_mode & 07777) == 0);  // the same mode: only ctime moves
    CHECK(source_fingerprint(tarball) != before);
    CHECK_FALSE(source_fingerprint(dir / "missing").has_value());
}
