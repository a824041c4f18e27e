// An extended header that claims 1 GiB is refused before any of it is read: by each reader
// in-process, reading no more than its header, and by the real binary for a small .tar.gz
// layer that holds the whole gigabyte, with one line on stderr and a small peak RSS.
#include "common/lading_cli.hpp"
#include "common/tar_builder.hpp"
#include "common/temp_dir.hpp"

#include <lading/stream/byte_source.hpp>
#include <lading/error.hpp>
#include "tar/checked_tar_source.hpp"
#include "tar/tar_reader.hpp"

#include <catch2/catch.hpp>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace tt = lading::test_tar;
namespace fs = std::filesystem;
using namespace lading;

namespace {

constexpr std::uint64_t one_gib = 1ull << 30;

std::string huge_pax_header()
{
    tt::raw_header h;
    h.name = "PaxHeaders/huge";
    h.typeflag = 'x';
    h.size_value = one_gib;
    return tt::raw_block(h);
}

// The header, then a gigabyte of zeros made up as they are read; counts what was read.
class huge_archive : public byte_source {
public:
    std::size_t read(std::span<std::uint8_t> buf) override
    {
        static const std::string header = huge_pax_header();
        const std::uint64_t total = header.size() + one_gib;
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), total - read_));
        for (std::size_t i = 0; i < n; ++i) buf[i] = read_ + i < header.size() ? static_cast<std::uint8_t>(header[read_ + i]) : 0;
        read_ += n;
        return n;
    }
    std::uint64_t bytes_read() const { return read_; }

private:
    std::uint64_t read_ = 0;
};

void write_huge_targz(const fs::path& file)
{
    gzFile gz = gzopen(file.c_str(), "wb9");
    REQUIRE(gz != nullptr);
    const std::string header = huge_pax_header();
    REQUIRE(gzwrite(gz, header.data(), static_cast<unsigned>(header.size())) == static_cast<int>(header.size()));
    const std::string zeros(1u << 20, '\0');
    for (std::uint64_t done = 0; done < one_gib; done += zeros.size())
        REQUIRE(gzwrite(gz, zeros.data(), static_cast<unsigned>(zeros.size())) == static_cast<int>(zeros.size()));
    REQUIRE(gzclose(gz) == Z_OK);
}

}  // namespace

TEST_CASE("tar readers: a 1 GiB extended header is refused after reading its header only", "[tar_readers]")
{
    SECTION("core tar reader")
    {
        huge_archive src;
        tar::tar_reader reader(src, "huge");
        CHECK_THROWS_WITH(reader.next(), Catch::Contains("too large"));
        CHECK(src.bytes_read() <= 64 * 1024);
    }
    SECTION("tarball layer check")
    {
        auto owned = std::make_unique<huge_archive>();
        auto* src = owned.get();
        tar::checked_tar_source checked(std::move(owned), std::nullopt, "huge");
        std::uint8_t buf[4096];
        CHECK_THROWS_WITH(checked.read(buf), Catch::Contains("too large"));
        CHECK(src->bytes_read() <= 64 * 1024);
    }
}

TEST_CASE("tar readers: a small .tar.gz layer claiming a 1 GiB PAX header is refused quickly in little memory",
          "[tar_readers]")
{
    test::temp_dir work("lading-huge-pax-");
    const fs::path layer = work / "huge-pax.tar.gz";
    write_huge_targz(layer);
    REQUIRE(fs::file_size(layer) < 4u << 20);
    const fs::path store = work / "store";
    fs::create_directories(store);

    test::lading_cli cli(LADING_BINARY);
    auto r = cli.run({"export", "--layer", layer.string(), "--output", "type=image,name=huge:1,oci-mediatypes=true"},
                     {{"LADING_STORE", store.string()}});
    rusage usage{};
    REQUIRE(getrusage(RUSAGE_CHILDREN, &usage) == 0);
    INFO(r.describe());
    INFO("peak RSS of the largest child: " << usage.ru_maxrss << " KiB");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("huge-pax.tar.gz") != std::string::npos);
    CHECK(r.err.find("too large") != std::string::npos);
    const auto lines = test::split_lines(r.err);
    const auto error_lines =
        std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.starts_with("lading:"); });
    CHECK(error_lines == 1);
    CHECK(usage.ru_maxrss < 200 * 1024);
    CHECK(r.elapsed < std::chrono::seconds(20));
    // The refused export leaves no blob and no image behind.
    std::size_t blobs = 0;
    if (fs::exists(store / "blobs"))
        for (const auto& e : fs::recursive_directory_iterator(store / "blobs")) blobs += e.is_regular_file();
    CHECK(blobs == 0);
    auto images = cli.run({"images"}, {{"LADING_STORE", store.string()}});
    CHECK(images.out.find("huge") == std::string::npos);
}
