// The same odd archives fed to every tar reader lading has and to GNU tar. lading's readers
// must agree with each other exactly: the same entries, or all refuse. GNU tar must list
// the same entries where lading accepts; where lading refuses an archive that GNU tar
// accepts, the case names the disagreement between tar readers that the refusal avoids.
#include "reader_outcomes.hpp"

#include "common/tar_builder.hpp"

#include <catch2/catch.hpp>

namespace tt = lading::test_tar;
using namespace lading::test;

namespace {

enum class gnu_tar_does {
    same,              // lists the same entries
    refuses,           // fails too
    warns,             // lists the entries before the fault and warns on stderr
    reads_otherwise,   // accepts; other readers (Go's archive/tar) read it differently
};

struct odd_archive {
    const char* title;
    std::string bytes;
    std::vector<listed_entry> entries;  // what lading lists; empty: lading refuses
    const char* refusal = "";           // part of lading's error when it refuses
    gnu_tar_does gnu = gnu_tar_does::same;
};

constexpr std::int64_t t0 = 014000000000;  // the builder's default mtime

tt::raw_header file_header(std::string name, std::uint64_t size)
{
    tt::raw_header h;
    h.name = std::move(name);
    h.size_value = size;
    return h;
}

std::string file(const std::string& name, const std::string& content)
{
    return tt::raw_block(file_header(name, content.size())) + tt::padded(content);
}

std::vector<odd_archive> odd_archives()
{
    std::vector<odd_archive> cases;
    const std::string abc = file("f", "abc");
    const listed_entry f{"f", '0', 3, t0};

    tt::raw_header dir;
    dir.name = "d/";
    dir.typeflag = '5';
    dir.mode = "0000755";
    tt::raw_header link;
    link.name = "d/l";
    link.typeflag = '2';
    link.link_name = "../f";
    cases.push_back({"a plain archive", abc + tt::raw_block(dir) + tt::raw_block(link) + tt::end_marker(),
                     {f, {"d", '5', 0, t0}, {"d/l", '2', 0, t0}}});

    cases.push_back({"a global header with only a comment (as git archive writes)",
                     tt::pax_header({{"comment", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"}}, 'g', "pax_global_header") + abc +
                         tt::end_marker(),
                     {f}});

    cases.push_back({"a global header that sets mtime",
                     tt::pax_header({{"mtime", "1"}}, 'g', "pax_global_header") + abc + tt::end_marker(), {},
                     "global header", gnu_tar_does::reads_otherwise});  // archive/tar ignores global records

    tt::raw_header old_dir;
    old_dir.name = "olddir/";
    old_dir.typeflag = '\0';
    cases.push_back({"typeflag NUL with a directory name", tt::raw_block(old_dir) + abc + tt::end_marker(),
                     {{"olddir", '5', 0, t0}, f}});

    tt::raw_header sized_old_dir = old_dir;
    sized_old_dir.size_value = 3;
    cases.push_back({"typeflag NUL with a directory name and a size",
                     tt::raw_block(sized_old_dir) + tt::padded("abc") + abc + tt::end_marker(), {}, "only regular files",
                     gnu_tar_does::reads_otherwise});  // GNU tar skips the size, archive/tar does not

    tt::raw_header sized_link = link;
    sized_link.size_value = 3;
    cases.push_back({"a symlink with a size", tt::raw_block(sized_link) + tt::padded("abc") + abc + tt::end_marker(), {},
                     "only regular files", gnu_tar_does::reads_otherwise});  // likewise

    cases.push_back({"data after one zero block", abc + std::string(512, '\0') + file("g", "xyz") + tt::end_marker(), {},
                     "single zero block", gnu_tar_does::warns});  // archive/tar fails

    cases.push_back({"one zero block and then the end of the input", abc + std::string(512, '\0'), {f}});

    cases.push_back({"trailing bytes after the end-of-archive marker", abc + tt::end_marker() + std::string(512, 'z'), {f}});

    tt::raw_header big = file_header("big-numbers", 3);
    big.size = tt::base256(3, 12);
    big.mtime = tt::base256(std::int64_t(1) << 34, 12);
    tt::raw_header old = file_header("before-1970", 0);
    old.mtime = tt::base256(-86400, 12);
    cases.push_back({"base-256 size and mtimes", tt::raw_block(big) + tt::padded("abc") + tt::raw_block(old) + tt::end_marker(),
                     {{"big-numbers", '0', 3, std::int64_t(1) << 34}, {"before-1970", '0', 0, -86400}}});

    const std::string long_name = "p/" + std::string(150, 'n') + "/file";
    cases.push_back({"a PAX path, size and mtime override the header",
                     tt::pax_header({{"path", long_name}, {"size", "3"}, {"mtime", "1700000000.25"}}) +
                         tt::raw_block(file_header("short", 0)) + tt::padded("abc") + tt::end_marker(),
                     {{long_name, '0', 3, 1700000000}}});

    cases.push_back({"a GNU long name", tt::gnu_long_name(long_name) + tt::raw_block(file_header(long_name.substr(0, 100), 3)) +
                                            tt::padded("abc") + tt::end_marker(),
                     {{long_name, '0', 3, t0}}});

    cases.push_back({"a PAX record whose length is too long",
                     tt::pax_header({{"path", "x"}}).replace(512, 2, "99") + abc + tt::end_marker(), {}, "malformed PAX record",
                     gnu_tar_does::refuses});

    const std::string wrapping = "6 a=b\n18446744073709551610 x=y\n";
    tt::raw_header wrapping_header;
    wrapping_header.name = "PaxHeaders/x";
    wrapping_header.typeflag = 'x';
    wrapping_header.size_value = wrapping.size();
    cases.push_back({"a PAX record length that wraps around",
                     tt::raw_block(wrapping_header) + tt::padded(wrapping) + abc + tt::end_marker(), {}, "malformed PAX record",
                     gnu_tar_does::refuses});

    tt::raw_header huge = wrapping_header;
    huge.size_value = 1ull << 30;
    cases.push_back({"an extended header claiming 1 GiB", tt::raw_block(huge) + std::string(4096, '\0'), {}, "too large",
                     gnu_tar_does::refuses});

    cases.push_back({"two PAX headers in front of one entry",
                     tt::pax_header({{"path", "first"}}) + tt::pax_header({{"path", "second"}}) + abc + tt::end_marker(), {},
                     "two extended headers", gnu_tar_does::reads_otherwise});  // which one wins differs

    cases.push_back({"a GNU long name and a PAX path for one entry",
                     tt::gnu_long_name("by-gnu") + tt::pax_header({{"path", "by-pax"}}) + abc + tt::end_marker(), {}, "both",
                     gnu_tar_does::reads_otherwise});  // GNU tar takes the PAX path, archive/tar the long name
    return cases;
}

}  // namespace

TEST_CASE("tar readers: lading's readers agree on odd archives, and with GNU tar", "[tar_readers]")
{
    for (const auto& c : odd_archives()) {
        DYNAMIC_SECTION(c.title)
        {
            const auto core = core_reader(c.bytes);
            const auto layer = tarball_layer_check(c.bytes);
            const auto estargz = estargz_scanner(c.bytes);
            const auto gnu = gnu_tar(c.bytes);
            INFO("core tar reader: " << describe(core));
            INFO("tarball layer check: " << describe(layer));
            INFO("eStargz scanner: " << describe(estargz));
            INFO("GNU tar: " << describe(gnu));

            if (c.entries.empty()) {
                REQUIRE(core.error);
                REQUIRE(layer.error);
                REQUIRE(estargz.error);
                CHECK(core.error->find(c.refusal) != std::string::npos);
                CHECK(layer.error->find(c.refusal) != std::string::npos);
                CHECK(estargz.error->find(c.refusal) != std::string::npos);
                for (const auto* e : {&*core.error, &*layer.error, &*estargz.error}) CHECK(e->find('\n') == std::string::npos);
            } else {
                REQUIRE_FALSE(core.error);
                REQUIRE_FALSE(layer.error);
                REQUIRE_FALSE(estargz.error);
                CHECK(core.entries == c.entries);
                CHECK(estargz.entries == c.entries);
            }

            switch (c.gnu) {
            case gnu_tar_does::same:
                REQUIRE_FALSE(gnu.error);
                CHECK(gnu.entries == c.entries);
                break;
            case gnu_tar_does::refuses: CHECK(gnu.error); break;
            case gnu_tar_does::warns:
                REQUIRE_FALSE(gnu.error);
                CHECK_FALSE(gnu.warnings.empty());
                break;
            case gnu_tar_does::reads_otherwise: CHECK_FALSE(gnu.error); break;
            }
        }
    }
}
