// Which layer sources go through a layer_memo: every one until the exports' sources are
// counted, then those that two or more exports use, however their paths are spelled.
#include "export/layer_memo_state.hpp"
#include <lading/export/layer_memo.hpp>

#include "common/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using lading::test::temp_dir;
namespace fs = std::filesystem;

TEST_CASE("a layer memo shares every source until sources are counted, then those counted twice", "[export][memo]")
{
    temp_dir work;
    fs::create_directories(work.path() / "base");
    fs::create_directories(work.path() / "app");
    lading::layer_memo memo;
    CHECK(memo.internals().shares(work.path() / "base"));
    CHECK(memo.internals().shares(work.path() / "app"));

    memo.expect_layer(work.path() / "base");
    memo.expect_layer(work.path() / "app");
    CHECK_FALSE(memo.internals().shares(work.path() / "base"));
    CHECK_FALSE(memo.internals().shares(work.path() / "app"));
    CHECK_FALSE(memo.internals().shares(work.path() / "never-counted"));

    memo.expect_layer(work.path() / "app" / ".." / "base");  // the same directory, spelled otherwise
    CHECK(memo.internals().shares(work.path() / "base"));
    CHECK(memo.internals().shares(work.path() / "base" / "."));
    CHECK_FALSE(memo.internals().shares(work.path() / "app"));
}
