// A temporary is abandoned exactly when nobody holds its lock: claim_abandoned takes only
// unlocked ones, and an owner whose temporary a cleaner removed first is told so.
#include <catch2/catch.hpp>

#include "posix/owner_lock.hpp"

#include "common/temp_dir.hpp"

#include <fcntl.h>
#include <fstream>
#include <sys/file.h>
#include <unistd.h>

using lading::claim_abandoned;
using lading::take_owner_lock;
using lading::unpack::unique_fd;

namespace {
unique_fd open_dir(const std::filesystem::path& p) { return unique_fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }
unique_fd open_file(const std::filesystem::path& p) { return unique_fd(::open(p.c_str(), O_RDWR | O_CLOEXEC)); }
}  // namespace

TEST_CASE("claim_abandoned takes a temporary nobody holds and leaves a held one", "[owner_lock]")
{
    lading::test::temp_dir dir;
    std::ofstream(dir / "held") << "x";
    std::ofstream(dir / "free") << "x";
    auto parent = open_dir(dir.path());
    auto owner = open_file(dir / "held");
    REQUIRE(take_owner_lock(owner.get(), parent.get(), "held"));

    CHECK_FALSE(claim_abandoned(parent.get(), "held"));
    auto claimed = claim_abandoned(parent.get(), "free");
    CHECK(claimed);
    CHECK_FALSE(claim_abandoned(parent.get(), "missing"));

    owner.reset();  // the writer died: its lock went with it
    CHECK(claim_abandoned(parent.get(), "held"));
}

TEST_CASE("claim_abandoned never follows a symbolic link", "[owner_lock]")
{
    lading::test::temp_dir dir;
    std::ofstream(dir / "target") << "x";
    std::filesystem::create_symlink(dir / "target", dir / "link");
    auto parent = open_dir(dir.path());
    CHECK_FALSE(claim_abandoned(parent.get(), "link"));
}

TEST_CASE("an owner learns that a cleaner removed its temporary before it could lock it", "[owner_lock]")
{
    lading::test::temp_dir dir;
    std::ofstream(dir / "tmp") << "x";
    auto parent = open_dir(dir.path());
    auto owner = open_file(dir / "tmp");
    {
        auto cleaner = claim_abandoned(parent.get(), "tmp");
        REQUIRE(cleaner);
        std::filesystem::remove(dir / "tmp");
    }
    CHECK_FALSE(take_owner_lock(owner.get(), parent.get(), "tmp"));
}
