// A private temporary directory is locked by its process from creation to removal, and
// making one removes those of the same kind nobody holds any more, and nothing else: not a
// held one, a link, a file, or a directory not named like one.
#include <catch2/catch.hpp>

#include "posix/owned_temporary_directory.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using lading::is_owned_temporary_name;
using lading::owned_temporary_directory;
using lading::unpack::unique_fd;
namespace fs = std::filesystem;

namespace {
// What a running process holds on its directory.
unique_fd hold(const fs::path& dir)
{
    unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(fd);
    REQUIRE(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
    return fd;
}
}  // namespace

TEST_CASE("names of owned temporary directories", "[owned_temporary_directory]")
{
    CHECK(is_owned_temporary_name("lading-spool-123-AbC9xZ", "lading-spool-"));
    CHECK_FALSE(is_owned_temporary_name("lading-spool-AbC9xZ", "lading-spool-"));  // no pid: made without a lock
    CHECK_FALSE(is_owned_temporary_name("lading-spool--AbC9xZ", "lading-spool-"));
    CHECK_FALSE(is_owned_temporary_name("lading-spool-12a-AbC9xZ", "lading-spool-"));
    CHECK_FALSE(is_owned_temporary_name("lading-spool-123-AbC9x", "lading-spool-"));
    CHECK_FALSE(is_owned_temporary_name("lading-spool-123-AbC9x.", "lading-spool-"));
    CHECK_FALSE(is_owned_temporary_name("lading-layers-123-AbC9xZ", "lading-spool-"));
}

TEST_CASE("an owned temporary directory is private, named after its process, and goes with everything in it",
          "[owned_temporary_directory]")
{
    lading::test::temp_dir parent;
    fs::path made;
    {
        owned_temporary_directory dir(parent.path(), "lading-spool-", "for the test");
        made = dir.path();
        CHECK(made.parent_path() == parent.path());
        CHECK(made.filename().string().starts_with("lading-spool-" + std::to_string(::getpid()) + "-"));
        CHECK(is_owned_temporary_name(made.filename().string(), "lading-spool-"));
        struct stat st {};
        REQUIRE(::stat(made.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
        unique_fd other(::open(made.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        CHECK(::flock(other.get(), LOCK_EX | LOCK_NB) != 0);  // held for its whole life
        lading::test::write_bytes(made / "blobs" / "sha256" / "x", "blob\n");
    }
    CHECK_FALSE(fs::exists(made));
}

TEST_CASE("making an owned temporary directory removes only the abandoned ones of its kind",
          "[owned_temporary_directory]")
{
    lading::test::temp_dir parent;
    const auto p = parent.path();
    using lading::test::write_bytes;
    write_bytes(p / "lading-spool-1-aaaaaa" / "blobs" / "x", "abandoned\n");
    write_bytes(p / "lading-spool-2-bbbbbb" / "x", "in use\n");
    write_bytes(p / "lading-layers-3-cccccc" / "x", "another kind\n");
    write_bytes(p / "lading-spool-dddddd" / "x", "an unlocked kind\n");
    write_bytes(p / "lading-spool-4-eeeeee", "a file\n");
    write_bytes(p / "outside" / "x", "behind a link\n");
    fs::create_directory_symlink(p / "outside", p / "lading-spool-5-ffffff");
    auto held = hold(p / "lading-spool-2-bbbbbb");

    owned_temporary_directory dir(p, "lading-spool-", "for the test");
    CHECK_FALSE(fs::exists(p / "lading-spool-1-aaaaaa"));
    CHECK(fs::exists(p / "lading-spool-2-bbbbbb" / "x"));
    CHECK(fs::exists(p / "lading-layers-3-cccccc" / "x"));
    CHECK(fs::exists(p / "lading-spool-dddddd" / "x"));
    CHECK(fs::is_regular_file(p / "lading-spool-4-eeeeee"));
    CHECK(fs::is_symlink(p / "lading-spool-5-ffffff"));
    CHECK(fs::exists(p / "outside" / "x"));
    CHECK(fs::is_directory(dir.path()));

    held.reset();  // its process ended without removing it
    owned_temporary_directory next(p, "lading-spool-", "for the test");
    CHECK_FALSE(fs::exists(p / "lading-spool-2-bbbbbb"));
    CHECK(fs::is_directory(dir.path()));  // held by this process's first directory
}

TEST_CASE("an owned temporary directory that cannot be made is one clear error", "[owned_temporary_directory]")
{
    lading::test::temp_dir parent;
    CHECK_THROWS_WITH(owned_temporary_directory(parent / "missing", "lading-spool-", "for the push"),
                      Catch::StartsWith("cannot create a temporary directory for the push in " +
                                        (parent / "missing").string() + ": "));
}
