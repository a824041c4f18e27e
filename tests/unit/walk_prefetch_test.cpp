// A background walk has the kernel read the first bytes of the files it lists, ahead of the
// reader, within its budget. Observed with mincore(2) on files whose pages were dropped from
// the page cache first, in a directory on the build's own (disk-backed) filesystem.
#include "tar/background_walk.hpp"

#include "common/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace lading;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t file_size = 1 << 20;
constexpr int file_count = 16;

void write_and_drop(const fs::path& file)
{
    std::vector<char> bytes(file_size, 'x');
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    REQUIRE(::fsync(fd) == 0);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

// Bytes of `file` in the page cache.
std::uint64_t resident_bytes(const fs::path& file)
{
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    void* map = ::mmap(nullptr, file_size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    REQUIRE(map != MAP_FAILED);
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> in_core((file_size + page - 1) / page);
    const bool ok = ::mincore(map, file_size, in_core.data()) == 0;
    ::munmap(map, file_size);
    REQUIRE(ok);
    std::uint64_t pages = 0;
    for (auto v : in_core) pages += v & 1;
    return pages * page;
}

std::uint64_t resident_in(const fs::path& dir)
{
    std::uint64_t total = 0;
    for (int i = 0; i < file_count; ++i) total += resident_bytes(dir / ("f" + std::to_string(100 + i)));
    return total;
}

// A tree of file_count files, none of their pages in the page cache.
fs::path dropped_tree(const test::temp_dir& scratch)
{
    const auto tree = scratch / "tree";
    fs::create_directories(tree);
    for (int i = 0; i < file_count; ++i) write_and_drop(tree / ("f" + std::to_string(100 + i)));
    INFO("the files' pages must leave the page cache (a disk-backed " << LADING_TEST_DISK_DIR << ")");
    REQUIRE(resident_in(tree) == 0);
    return tree;
}

// What the walk has read ahead once it has had the time to reach `at_least` (2 s at most) and
// 100 ms more, time enough to show a walk going further than it should.
std::uint64_t settled_read_ahead(const fs::path& tree, std::uint64_t at_least)
{
    std::uint64_t ahead = 0;
    for (auto waited = 0ms; waited < 2000ms && ahead < at_least; waited += 20ms) {
        std::this_thread::sleep_for(20ms);
        ahead = resident_in(tree);
    }
    std::this_thread::sleep_for(100ms);
    return resident_in(tree);
}

// The next regular file the walk hands out.
void take_file(tar::background_walk& walk)
{
    for (;;) {
        auto e = walk.next();
        REQUIRE(e);
        if (e->header.type == tar::entry_type::regular) return;
    }
}

}  // namespace

TEST_CASE("a background walk reads files' first bytes ahead of the reader, within its budget", "[tar][walk]")
{
    test::temp_dir scratch(fs::path(LADING_TEST_DISK_DIR), "walk-prefetch-");
    const auto tree = dropped_tree(scratch);

    // 256 KiB of each file, at most 1 MiB waiting: of 4 MiB the walk could read ahead, about a
    // quarter is read before the reader takes anything.
    const tar::prefetch_budget budget{256 << 10, 1 << 20};
    tar::background_walk walk(tree, std::nullopt, budget);
    const auto ahead = settled_read_ahead(tree, budget.waiting);
    CHECK(ahead >= budget.waiting);
    // The budget, plus the batch being handed over and the file the walk has just opened.
    CHECK(ahead <= budget.waiting + 2 * budget.per_file);

    // As the reader takes entries, the walk reads further ahead, to the end of the tree: every
    // file's first bytes arrive, though nothing here reads them.
    int taken = 0;
    while (auto e = walk.next()) {
        if (e->header.type != tar::entry_type::regular) continue;
        ++taken;
        std::uint64_t resident = 0;
        for (auto waited = 0ms; waited < 2000ms && resident < budget.per_file; waited += 5ms) {
            resident = resident_bytes(e->source);
            if (resident < budget.per_file) std::this_thread::sleep_for(5ms);
        }
        CHECK(resident >= budget.per_file);
    }
    CHECK(taken == file_count);
}

TEST_CASE("a walk stopped by its prefetch budget goes on once half of it is taken, not at every file",
          "[tar][walk]")
{
    test::temp_dir scratch(fs::path(LADING_TEST_DISK_DIR), "walk-resume-");
    const auto tree = dropped_tree(scratch);
    const tar::prefetch_budget budget{256 << 10, 1 << 20};  // four files' worth
    tar::background_walk walk(tree, std::nullopt, budget);
    const auto full = settled_read_ahead(tree, budget.waiting);
    REQUIRE(full >= budget.waiting);

    // The walk moves a file's prefetch at a time; half of one is room for pages the kernel
    // reclaims meanwhile.
    const auto slack = budget.per_file / 2;
    take_file(walk);  // a quarter of the budget is free: the walk stays stopped
    CHECK(settled_read_ahead(tree, full + budget.per_file) < full + slack);

    take_file(walk);  // half of it: the walk fills it again, two files further on
    CHECK(settled_read_ahead(tree, full + 2 * budget.per_file) >= full + 2 * budget.per_file - slack);
}
