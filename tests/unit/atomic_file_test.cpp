// A file replaced whole goes through a locked temporary beside it; the temporaries of that
// file a killed writer left are removed by the next replacement, but never one a writer
// still holds, one touched in the last minute (writers of earlier releases held no lock),
// or anything else.
#include <catch2/catch.hpp>

#include "posix/atomic_file.hpp"
#include "posix/unique_fd.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

using lading::is_replacement_temporary;
using lading::replace_file_atomically;
namespace fs = std::filesystem;

namespace {
std::string read_text(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_old(const fs::path& p)
{
    lading::test::write_bytes(p, "left behind\n");
    fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::minutes(5));
}
}  // namespace

TEST_CASE("names of replacement temporaries", "[atomic_file]")
{
    CHECK(is_replacement_temporary("config.json.tmp-12-3456-0", "config.json"));
    CHECK_FALSE(is_replacement_temporary("config.json.tmp-12-3456", "config.json"));
    CHECK_FALSE(is_replacement_temporary("config.json.tmp-12-3456-0-1", "config.json"));
    CHECK_FALSE(is_replacement_temporary("config.json.tmp-12-3456-", "config.json"));
    CHECK_FALSE(is_replacement_temporary("config.json.tmp-12-x-0", "config.json"));
    CHECK_FALSE(is_replacement_temporary("other.json.tmp-12-3456-0", "config.json"));
    CHECK_FALSE(is_replacement_temporary("config.json", "config.json"));
}

TEST_CASE("replacing a file removes the temporaries of it that killed writers left, and only those",
          "[atomic_file]")
{
    lading::test::temp_dir dir;
    const auto target = dir / "config.json";
    write_old(dir / "config.json.tmp-1-2-3");  // abandoned
    write_old(dir / "config.json.tmp-4-5-6");  // still held by its writer
    lading::test::write_bytes(dir / "config.json.tmp-7-8-9", "being written\n");  // fresh: maybe an unlocked writer
    write_old(dir / "other.json.tmp-1-2-3");   // another file's
    write_old(dir / "config.json.tmp-x");      // not a name lading gives
    write_old(dir / "outside");
    fs::create_symlink(dir / "outside", dir / "config.json.tmp-10-11-12");
    lading::unpack::unique_fd held(::open((dir / "config.json.tmp-4-5-6").c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(::flock(held.get(), LOCK_EX | LOCK_NB) == 0);

    replace_file_atomically(target, "{\"auths\":{}}", 0600);
    CHECK(read_text(target) == "{\"auths\":{}}");
    CHECK((fs::status(target).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    CHECK_FALSE(fs::exists(dir / "config.json.tmp-1-2-3"));
    CHECK(fs::exists(dir / "config.json.tmp-4-5-6"));
    CHECK(fs::exists(dir / "config.json.tmp-7-8-9"));
    CHECK(fs::exists(dir / "other.json.tmp-1-2-3"));
    CHECK(fs::exists(dir / "config.json.tmp-x"));
    CHECK(fs::is_symlink(dir / "config.json.tmp-10-11-12"));
    CHECK(fs::exists(dir / "outside"));

    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
    CHECK(entries == 7);  // its own temporary is gone too
}
