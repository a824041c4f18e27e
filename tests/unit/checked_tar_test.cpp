// The tarball layer check reads headers with the shared codec: a base-256 mtime later than
// the clamp is clamped like an octal one.
#include "common/tar_builder.hpp"

#include <lading/error.hpp>

#include <lading/stream/byte_source.hpp>
#include <lading/formats/list_archive.hpp>
#include <lading/formats/ustar_block.hpp>
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

namespace {

std::string checked_bytes(const std::string& in, std::optional<std::int64_t> clamp, tar::entry_names names)
{
    tar::checked_tar_source checked(
        std::make_unique<memory_source>(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size())), clamp,
        "layer x.tar", names);
    std::string out(in.size() + 1024, '\0');
    std::size_t n = 0;
    while (auto r = checked.read(std::span(reinterpret_cast<std::uint8_t*>(out.data()) + n, out.size() - n))) n += r;
    out.resize(n);
    return out;
}

std::string entry_block(const std::string& name, char typeflag = '0', const std::string& link = "")
{
    tt::raw_header h;
    h.name = name;
    h.typeflag = typeflag;
    h.link_name = link;
    return tt::raw_block(h);
}

}  // namespace

TEST_CASE("a tarball made a layer keeps its names inside the layer, hardlinks to earlier entries", "[tar]")
{
    using tar::entry_names;
    const std::string fine = entry_block("./dir/", '5') + entry_block("./dir/a") + entry_block("dir/b", '1', "./dir//a") +
                             entry_block("c", '2', "/etc/passwd") + tt::end_marker();
    CHECK(checked_bytes(fine, std::nullopt, entry_names::inside_layer) == fine);  // an absolute symlink target is fine

    auto refused = [](const std::string& archive) {
        try {
            checked_bytes(archive, std::nullopt, entry_names::inside_layer);
        } catch (const error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK_THAT(refused(entry_block("../../etc/cron.d/x") + tt::end_marker()),
               Catch::Equals("layer x.tar: the entry \"../../etc/cron.d/x\" could reach outside the layer (absolute names "
                             "and \"..\" components are refused)"));
    CHECK_THAT(refused(entry_block("/etc/passwd") + tt::end_marker()), Catch::Contains("could reach outside the layer"));
    CHECK_THAT(refused(entry_block("a/../../b") + tt::end_marker()), Catch::Contains("could reach outside the layer"));
    CHECK_THAT(refused(entry_block("l", '1', "/etc/shadow") + tt::end_marker()),
               Catch::Equals("layer x.tar: the hardlink \"l\" points at \"/etc/shadow\", which no earlier entry of the "
                             "layer names"));
    CHECK_THAT(refused(entry_block("l", '1', "later") + entry_block("later") + tt::end_marker()),
               Catch::Contains("which no earlier entry of the layer names"));
    CHECK_THAT(refused(entry_block("d/", '5') + entry_block("l", '1', "d") + tt::end_marker()),
               Catch::Equals("layer x.tar: the hardlink \"l\" points at \"d\", a directory (hardlinks to directories "
                             "are refused)"));
    // A ".." that stays inside is refused too: readers resolve such names differently.
    CHECK_THAT(refused(entry_block("a/../x") + tt::end_marker()), Catch::Contains("could reach outside the layer"));

    // A base layer being converted keeps its bytes, whatever its names.
    const std::string odd = entry_block("../x") + entry_block("l", '1', "/nowhere") + tt::end_marker();
    CHECK(checked_bytes(odd, std::nullopt, entry_names::as_stored) == odd);
}

TEST_CASE("rewrite-timestamp clamps the mtime field of extended headers too", "[tar]")
{
    // As git archive writes it: a global header carrying the commit time in its own mtime field.
    // An extended header written at a time later than the clamp, its records padded to blocks.
    auto extension = [](const std::string& name, char typeflag, const std::string& records) {
        tt::raw_header h;
        h.name = name;
        h.typeflag = typeflag;
        h.size_value = records.size();
        h.mtime = tt::octal(1'700'000'000, 11);
        return tt::raw_block(h) + records + std::string((512 - records.size() % 512) % 512, '\0');
    };
    tt::raw_header file;
    file.name = "x";
    file.mtime = tt::octal(1'000, 11);
    const std::string in =
        extension("pax_global_header", 'g', tt::pax_record("comment", "0123456789abcdef0123456789abcdef01234567")) +
        extension("PaxHeaders/x", 'x', tt::pax_record("path", "a-long-name")) + tt::raw_block(file) + tt::end_marker();

    const auto out = checked_bytes(in, 5'000, tar::entry_names::inside_layer);
    REQUIRE(out.size() == in.size());
    for (std::size_t header : {std::size_t{0}, std::size_t{1024}}) {
        INFO("header at " << header);
        CHECK(formats::ustar::decode_number(std::string_view(out).substr(header + 136, 12)) == 5'000);
    }
    const auto entries = formats::ustar::list_archive(std::span(reinterpret_cast<const std::uint8_t*>(out.data()), out.size()));
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].name == "a-long-name");
    CHECK(entries[0].mtime == 1'000);
}
