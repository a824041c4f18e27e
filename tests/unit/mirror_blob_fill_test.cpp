// The mirror's spool file for a download: read back while written, and made the cached
// blob's file by a hard link once complete (or, where the spool cannot be linked, left to
// the caller to copy, with nothing created).
#include <catch2/catch.hpp>

#include "mirror/blob_fill.hpp"

#include "common/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace lading::mirror;

namespace {

std::string file_text(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::span<const std::uint8_t> as_bytes(const std::string& s)
{
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

TEST_CASE("a complete spool file becomes the blob's file by a hard link", "[mirror]")
{
    lading::test::temp_dir dir("lading-blob-fill-");
    boost::asio::io_context io;
    std::string bytes;
    for (int i = 0; i < 20000; ++i) bytes += std::to_string(i * 7919) + ",";
    blob_fill fill(io.get_executor(), dir.path(), bytes.size());
    fill.append(as_bytes(bytes.substr(0, 1000)));
    fill.append(as_bytes(bytes.substr(1000)));
    REQUIRE(fill.available() == bytes.size());
    std::string middle(100, '\0');
    CHECK(fill.read_at(5000, std::span(reinterpret_cast<std::uint8_t*>(middle.data()), middle.size())) == 100);
    CHECK(middle == bytes.substr(5000, 100));

    const auto target = dir / "blob";
    const auto elsewhere = dir / "missing" / "blob";
    if (fill.linkable()) {
        REQUIRE(fill.link_as(target));
        CHECK(file_text(target) == bytes);
        struct stat st {};
        REQUIRE(::stat(target.c_str(), &st) == 0);
        CHECK((st.st_mode & 0600) == 0600);
        CHECK(fill.link_as(target));  // already there: nothing to do
        CHECK(file_text(target) == bytes);
    } else {
        // A filesystem without O_TMPFILE: the spool has no inode that can be named.
        CHECK_FALSE(fill.link_as(target));
        CHECK_FALSE(std::filesystem::exists(target));
    }
    CHECK_FALSE(fill.link_as(elsewhere));
    CHECK_FALSE(std::filesystem::exists(elsewhere.parent_path()));
    // Only what link_as named is in the directory: the spool itself never had a name.
    std::size_t names = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++names;
    CHECK(names == (fill.linkable() ? 1u : 0u));
}

namespace {

// Runs a reader's wait_for on `io` and says whether it has returned (or thrown) so far.
struct waiting_reader {
    bool returned = false;
    std::string failure;
};

boost::asio::awaitable<void> wait_and_note(blob_fill& fill, std::uint64_t offset, std::uint64_t want,
                                           waiting_reader& reader)
{
    try {
        co_await fill.wait_for(offset, want);
        reader.returned = true;
    } catch (const std::exception& e) {
        reader.failure = e.what();
    }
}

void start_waiting(boost::asio::io_context& io, blob_fill& fill, std::uint64_t offset, std::uint64_t want,
                   waiting_reader& reader)
{
    boost::asio::co_spawn(io, wait_and_note(fill, offset, want, reader), boost::asio::detached);
}

}  // namespace

TEST_CASE("a download's last bytes wait until it is verified and kept; its other bytes do not", "[mirror]")
{
    lading::test::temp_dir dir("lading-blob-fill-");
    boost::asio::io_context io;
    const std::string bytes(3000, 'x');
    blob_fill fill(io.get_executor(), dir.path(), bytes.size());
    waiting_reader head, tail;
    start_waiting(io, fill, 0, 1000, head);
    start_waiting(io, fill, 2000, 1000, tail);
    fill.append(as_bytes(bytes));
    io.run_for(std::chrono::milliseconds(50));
    io.restart();
    CHECK(head.returned);
    CHECK_FALSE(tail.returned);  // every byte is there, but not yet known to match the digest
    CHECK(tail.failure.empty());

    SECTION("committed: the last bytes are handed out, and a wait past them returns")
    {
        waiting_reader past_the_end;
        start_waiting(io, fill, bytes.size(), 1, past_the_end);
        fill.verified();
        io.run_for(std::chrono::milliseconds(50));
        io.restart();
        CHECK_FALSE(tail.returned);  // verified, not yet in the cache
        fill.committed();
        io.run_for(std::chrono::milliseconds(50));
        CHECK(tail.returned);
        CHECK(past_the_end.returned);
    }
    SECTION("verified, then not kept: the last bytes are still handed out")
    {
        waiting_reader past_the_end;
        start_waiting(io, fill, bytes.size(), 1, past_the_end);
        fill.verified();
        fill.fail("the cache could not keep it");
        io.run_for(std::chrono::milliseconds(50));
        CHECK(tail.returned);
        CHECK(past_the_end.failure == "the cache could not keep it");  // it waited for the commit
    }
    SECTION("the digest does not match: the reader fails, never gets the last bytes")
    {
        fill.fail("arrived with other content than its digest says");
        io.run_for(std::chrono::milliseconds(50));
        CHECK_FALSE(tail.returned);
        CHECK(tail.failure == "arrived with other content than its digest says");
    }
}
