// The tarball layer check reads headers with the shared codec: a base-256 mtime later than
// the clamp is clamped like an octal one.
#include "common/tar_builder.hpp"

#include <lading/stream/byte_source.hpp>
#include <lading/formats/list_archive.hpp>
#include "tar/checked_tar_source.hpp"

#include <catch2/catch.hpp>

namespace tt = lading::test_tar;
using namespace lading;

TEST_CASE("checked tar source clamps a base-256 mtime", "[tar]")
{
    tt::raw_header h;
    h.name = "far-future";
    h.mtime = tt::base256(std::int64_t(1) << 40, 12);
    const std::string in = tt::raw_block(h) + tt::end_marker();
    tar::checked_tar_source checked(
        std::make_unique<memory_source>(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size())), 1000,
        "layer x.tar");
    std::string out(in.size() + 10, '\0');
    std::size_t n = 0;
    while (auto r = checked.read(std::span(reinterpret_cast<std::uint8_t*>(out.data()) + n, out.size() - n))) n += r;
    out.resize(n);
    REQUIRE(out.size() == in.size());
    const auto entries = formats::ustar::list_archive(std::span(reinterpret_cast<const std::uint8_t*>(out.data()), out.size()));
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].mtime == 1000);
}
