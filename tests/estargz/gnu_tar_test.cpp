// Archives written by GNU tar in its gnu, posix (pax) and ustar formats, with the 10 KiB
// record padding GNU tar adds, go through the compressor and pass the verifier.
#include "blob_inspect.hpp"
#include "plugin_driver.hpp"
#include "sample_layer.hpp"
#include "verifier.hpp"

#include "common/file_bytes.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <sys/xattr.h>

using namespace estargz_test;
using lading::test::run_process;
using lading::test::write_bytes;
namespace fs = std::filesystem;

namespace {

// short_names_only: what the ustar format can hold.
void make_tree(const fs::path& root, bool short_names_only)
{
    write_bytes(root / "empty", "");
    write_bytes(root / "small.txt", "small\n");
    write_bytes(root / "big.bin", test_content(5 * mib + 3, 42));
    write_bytes(root / "sub/dir/leaf.txt", "leaf\n");
    fs::create_directories(root / "emptydir");
    fs::create_symlink("small.txt", root / "link");
    fs::create_hard_link(root / "small.txt", root / "hard");
    if (::setxattr((root / "small.txt").c_str(), "user.demo", "hello", 5, 0) != 0)
        WARN("user xattrs are not supported here; the archives carry none");
    if (short_names_only) return;
    const std::string long_dir(120, 'd');
    write_bytes(root / long_dir / (std::string(130, 'f') + ".txt"), "long path\n");
    fs::create_symlink(std::string(150, 't'), root / "long-target-link");
}

}  // namespace

TEST_CASE("GNU tar archives in gnu, posix and ustar formats pass the verifier", "[estargz][gnu-tar]")
{
    lading::test::temp_dir work("lading-estargz-gnu-");
    make_tree(work / "rich", false);
    make_tree(work / "plain", true);
    struct variant {
        const char* format;
        const char* tree;
    };
    for (const variant v : {variant{"gnu", "rich"}, variant{"posix", "rich"}, variant{"ustar", "plain"}}) {
        CAPTURE(v.format);
        const fs::path tar = work / (std::string(v.format) + ".tar");
        auto made = run_process({"tar", "--format=" + std::string(v.format), "--xattrs", "--xattrs-include=*",
                                 "--sort=name", "-C", (work / v.tree).string(), "-cf", tar.string(), "."});
        INFO(made.describe());
        REQUIRE(made.succeeded());
        auto listed = run_process({"tar", "-tf", tar.string()});
        REQUIRE(listed.succeeded());

        const compressed c = compress_ok(read_file(tar.string()), feed{9, 200'000, 65'536, false});
        const fs::path blob = work / (std::string(v.format) + ".estargz");
        write_file(blob.string(), c.blob);
        verifier_report report = run_verifier(blob, annotation(c.annotations_json, "containerd.io/snapshot/stargz/toc.digest"));
        INFO(report.output);
        CHECK(report.ok);
        CHECK(report.diff_id == c.diff_id);

        auto relisted = run_process({"sh", "-c", "gzip -dc \"$0\" | tar -tf -", blob.string()});
        INFO(relisted.describe());
        CHECK(relisted.out == listed.out + "stargz.index.json\n");
    }
}
