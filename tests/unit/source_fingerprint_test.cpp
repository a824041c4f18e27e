// The stat fingerprint of a --layer source: stable while nothing changes, different after
// any change a layer's bytes could follow (content, times, mode, names, links, inodes).
#include <catch2/catch.hpp>

#include "layer/source_fingerprint.hpp"
#include "tar/background_walk.hpp"
#include "tar/tree_walker.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

TEST_CASE("the fingerprint gathered from a layer's tree walk is the one a walk of its own gives",
          "[source_fingerprint]")
{
    // A push without a hint takes the fingerprint from the build's walk; the next export
    // compares it with source_fingerprint's: they must agree on every kind of entry.
    lading::test::temp_dir dir;
    const auto tree = dir / "tree";
    fs::create_directories(tree / "a" / "b" / "c");
    fs::create_directories(tree / "empty");
    lading::test::write_bytes(tree / "a" / "b" / "c" / "deep.txt", "deep\n");
    lading::test::write_bytes(tree / "a" / "file", "a\n");
    lading::test::write_bytes(tree / "z", "last\n");
    fs::create_hard_link(tree / "a" / "file", tree / "a" / "hardlink");
    fs::create_symlink("a/b/c/deep.txt", tree / "link");
    fs::create_symlink(std::string(300, 'x'), tree / "long-link");
    REQUIRE(::mkfifo((tree / "fifo").c_str(), 0644) == 0);
    {
        int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(s >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const auto socket_path = (tree / "sock").string();
        REQUIRE(socket_path.size() < sizeof addr.sun_path);
        std::copy(socket_path.begin(), socket_path.end(), addr.sun_path);
        REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        ::close(s);
    }

    SECTION("through the walk that lists a tree for its tar")
    {
        lading::layer::fingerprint_builder walked;
        std::size_t entries = 0;
        lading::tar::walk_tree(
            tree, std::nullopt, [](const auto&, const auto&) {}, [&](lading::tar::tree_entry&&) { ++entries; }, 0,
            walked.observer());
        CHECK(entries == 11);  // the socket gives no tar entry, but is fingerprinted
        CHECK(walked.finish() == source_fingerprint(tree));
    }
    SECTION("through the background walk a layer source reads")
    {
        lading::layer::fingerprint_builder walked;
        {
            lading::tar::background_walk walk(tree, std::nullopt, {}, walked.observer());
            while (walk.next()) {
            }
        }
        CHECK(walked.finish() == source_fingerprint(tree));
    }
    SECTION("a builder that saw no walk has no fingerprint")
    {
        CHECK_FALSE(lading::layer::fingerprint_builder().finish().has_value());
    }
}
