// Bad input is refused cleanly: exit status 2 for usage/spec errors and 1 for runtime
// errors, exactly one non-empty line on stderr that names the offending thing, and a store
// left exactly as it was (recursive listing + sha256 of every file, before and after).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>

#include "common/required_tool.hpp"
#include "common/tar_builder.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool mentions(const std::string& text, const std::string& what) {
    return lower(text).find(lower(what)) != std::string::npos;
}

struct bad_case {
    std::string title;
    int expected_status;
    std::vector<std::string> must_mention;     // every one of these (case-insensitive)
    std::vector<std::string> mention_any_of;   // at least one of these, if not empty
    // Builds the export request (context, layers, outputs) for this case.
    std::function<void(export_request&, const fs::path& work, const fs::path& small_tree)> setup;
};

void with_output(export_request& req, const std::string& spec, const fs::path& tree) {
    req.layers = {tree};
    req.outputs = {spec};
}

// A real .tar.gz of `tree`, cut to 60% of its size.
void write_truncated_targz(const fs::path& tree, const fs::path& file) {
    auto r = run_process({"tar", "-C", tree.string(), "-czf", file.string(), "."}, 2min);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    auto size = fs::file_size(file);
    fs::resize_file(file, size * 6 / 10);
}

std::vector<bad_case> bad_cases() {
    return {
        {"unbalanced quote in --output", 2, {}, {"quote", "\""},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,\"name=a:1", tree); }},
        {"unknown key nme (suggests name)", 2, {"nme", "name"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,nme=a:1", tree); }},
        {"unknown type imagex", 2, {"imagex"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=imagex,name=a:1", tree); }},
        {"unknown compression brotli", 2, {"brotli"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,compression=brotli", tree);
         }},
        {"gzip compression-level=42", 2, {"42"}, {"level"},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,compression=gzip,compression-level=42", tree);
         }},
        {"zstd compression-level=0", 2, {}, {"level"},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,compression=zstd,compression-level=0", tree);
         }},
        // The gzip plugin's own setting, refused when the plugin is first asked to compress.
        {"LADING_GZIP_ENCODER=zlib with gzip", 1, {"LADING_GZIP_ENCODER", "zlib"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,compression=gzip,compression-level=1", tree);
             req.env["LADING_GZIP_ENCODER"] = "zlib";
         }},
        {"LADING_GZIP_ENCODER=zlib with estargz", 1, {"LADING_GZIP_ENCODER", "zlib"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,compression=estargz,oci-mediatypes=true", tree);
             req.env["LADING_GZIP_ENCODER"] = "zlib";
         }},
        {"upper-case name UPPER/Case:1", 2, {"UPPER/Case"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=UPPER/Case:1", tree); }},
        {"malformed name a::b", 2, {"a::b"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a::b", tree); }},
        // BuildKit: exporter option "compression=estargz" conflicts with "oci-mediatypes=false".
        {"estargz with oci-mediatypes=false", 2, {"compression=estargz", "conflicts with", "oci-mediatypes=false"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,compression=estargz,oci-mediatypes=false", tree);
         }},
        {"push=maybe (not a bool)", 2, {"push=maybe", "true or false"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,push=maybe", tree); }},
        {"force-compression=perhaps (not a bool)", 2, {"force-compression=perhaps"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,force-compression=perhaps", tree); }},
        {"rewrite-timestamp with an empty value", 2, {"rewrite-timestamp="}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,rewrite-timestamp=", tree); }},
        {"compression-level=high (not an integer)", 2, {"compression-level=high", "integer"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,compression-level=high", tree); }},
        {"source-date-epoch=yesterday", 2, {"source-date-epoch", "\"yesterday\""}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,source-date-epoch=yesterday", tree); }},
        // An RFC 3339 time has four digits of year; skopeo could not read a later `created`.
        {"SOURCE_DATE_EPOCH in year 10000", 2, {"SOURCE_DATE_EPOCH", "253402300800", "year 9999"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1", tree);
             req.env["SOURCE_DATE_EPOCH"] = "253402300800";
         }},
        // Checked before any work: the image would be stored, then the run fail at its end.
        {"--metadata-file in a directory that does not exist", 2, {"--metadata-file", "No such file"}, {},
         [](auto& req, auto& work, auto& tree) {
             with_output(req, "type=image,name=a:1", tree);
             req.metadata_file = work / "missing" / "meta.json";
         }},
        // The tag would name whichever push ended last. (Two outputs of the same image may.)
        {"two outputs pushing one tag", 2, {"outputs 1 and 2 both push", "127.0.0.1:9/two:1"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=registry,name=127.0.0.1:9/two:1,store=false", tree);
             req.outputs.push_back("type=registry,name=127.0.0.1:9/two:1,compression=zstd,store=false");
         }},
        // Another exporter's keys are no typos of lading's.
        {"buildx's type=local,dest=out", 2, {"unsupported type \"local\""}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=local,dest=out", tree); }},
        {"oci-artifact=true with oci-mediatypes=false", 2, {"oci-artifact=true", "conflicts with", "oci-mediatypes=false"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,oci-artifact=true,oci-mediatypes=false", tree); }},
        {"descriptor annotations with Docker media types", 2, {"cannot export annotations", "oci-mediatypes=false"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,oci-mediatypes=false,annotation-manifest-descriptor.k=v", tree); }},
        {"index annotations on a single-platform export", 2, {"index annotations not supported for single platform export"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,oci-mediatypes=true,annotation-index.k=v", tree); }},
        {"annotation for a platform that is not built", 2, {"no platform linux/s390x found"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,oci-mediatypes=true,annotation[linux/s390x].k=v", tree); }},
        {"unrecognized annotation type", 2, {"unrecognized annotation type", "foo"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=image,name=a:1,oci-mediatypes=true,annotation-foo.k=v", tree); }},
        {"push-by-digest with a tagged name", 2, {"can't push tagged ref", "by digest"}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=registry,name=127.0.0.1:1/a:1,push-by-digest=true", tree); }},
        // buildx's words; BuildKit itself would push nothing and succeed.
        {"type=registry without a name", 2, {"tag is needed when pushing to registry", "name="}, {},
         [](auto& req, auto&, auto& tree) { with_output(req, "type=registry", tree); }},
        {"missing context directory", 1, {"no-such-context"}, {},
         [](auto& req, auto& work, auto&) {
             req.layers = {work / "no-such-context"};
             req.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
         }},
        {"corrupt gzip layer (garbage after the magic)", 1, {"corrupt.tar.gz"}, {},
         [](auto& req, auto& work, auto& tree) {
             const fs::path bad = work / "corrupt.tar.gz";
             std::ofstream f(bad, std::ios::binary);
             const unsigned char header[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03};
             f.write(reinterpret_cast<const char*>(header), sizeof header);
             for (int i = 0; i < 4096; ++i) f.put(static_cast<char>((i * 7919) ^ 0x5a));
             f.close();
             req.layers = {tree, bad};
             req.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
         }},
        {"truncated gzip layer", 1, {"truncated.tar.gz"}, {},
         [](auto& req, auto& work, auto&) {
             const fs::path bad = work / "truncated.tar.gz";
             write_truncated_targz(shared_tree().root, bad);
             req.layers = {bad};
             req.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
         }},
        {"a tarball entry that climbs out of the layer", 1, {"climbs.tar", "../../etc/cron.d/x", "could reach outside the layer"}, {},
         [](auto& req, auto& work, auto&) {
             const fs::path bad = work / "climbs.tar";
             lading::test_tar::raw_header h;
             h.name = "../../etc/cron.d/x";
             std::ofstream(bad, std::ios::binary) << lading::test_tar::raw_block(h) << lading::test_tar::end_marker();
             req.layers = {bad};
             req.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
         }},
        {"a tarball hardlink to a file outside it", 1, {"hardlink", "/etc/shadow"}, {},
         [](auto& req, auto& work, auto&) {
             const fs::path bad = work / "hardlink.tar";
             lading::test_tar::raw_header h;
             h.name = "shadow";
             h.typeflag = '1';
             h.link_name = "/etc/shadow";
             std::ofstream(bad, std::ios::binary) << lading::test_tar::raw_block(h) << lading::test_tar::end_marker();
             req.layers = {bad};
             req.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
         }},
        {"a layer that is no archive at all", 1, {"not-an-archive.tar"}, {},
         [](auto& req, auto& work, auto&) {
             const fs::path bad = work / "not-an-archive.tar";
             std::ofstream(bad) << "this is plain text, neither tar nor gzip nor zstd\n";
             req.layers = {bad};
             req.outputs = {"type=image,name=a:1,oci-mediatypes=true"};
         }},
        // Image configs and annotations are JSON, which is UTF-8: a Latin-1 byte would make a
        // config that strict JSON readers reject.
        {"a --label value that is not UTF-8", 2, {"--label team", "UTF-8"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1", tree);
             req.extra_args = {"--label", "team=caf\xe9"};
         }},
        {"an --env value with a UTF-16 surrogate", 2, {"--env GREETING", "UTF-8"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1", tree);
             req.extra_args = {"--env", "GREETING=\xed\xa0\x80"};
         }},
        {"an --entrypoint string that is not UTF-8", 2, {"--entrypoint", "UTF-8"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1", tree);
             req.extra_args = {"--entrypoint", "/bin/\xff"};
         }},
        {"an annotation value that is not UTF-8", 2, {"annotation.org.example.note", "UTF-8"}, {},
         [](auto& req, auto&, auto& tree) {
             with_output(req, "type=image,name=a:1,annotation.org.example.note=\xc3", tree);
         }},
    };
}

}  // namespace

TEST_CASE("bad input: one line on stderr, the right exit status, the store untouched",
          "[integration][bad_input]") {
    require_tools({tools::tar});
    for (const auto& c : bad_cases()) {
        DYNAMIC_SECTION(c.title) {
            temp_dir work;
            const fs::path store = work / "store";
            const fs::path tree = work / "small";
            make_small_tree(tree);

            // A populated store: a failed export must leave it exactly as it is.
            export_request good{
                .layers = {tree},
                .outputs = {"type=image,name=good:1,oci-mediatypes=true"},
                .store = store,
                .metadata_file = work / "good.json",
            };
            export_ok(good);
            const auto before = store_snapshot::take(store);
            REQUIRE(before.size() > 0);

            export_request req{
                .store = store,
                .metadata_file = work / "bad.json",
            };
            c.setup(req, work.path(), tree);
            auto r = run_export(req);
            INFO(r.describe());

            CHECK(r.term_signal == 0);  // no crash, no core dump
            CHECK_FALSE(r.timed_out);
            CHECK(r.exit_code == c.expected_status);

            auto lines = split_lines(r.err);
            CHECK(lines.size() == 1);
            const std::string first = lines.empty() ? std::string() : lines.front();
            CHECK(first.find_first_not_of(" \t") != std::string::npos);  // not blank
            for (const auto& word : c.must_mention) {
                INFO("stderr must mention '" << word << "'");
                CHECK(mentions(r.err, word));
            }
            if (!c.mention_any_of.empty()) {
                bool any = std::any_of(c.mention_any_of.begin(), c.mention_any_of.end(),
                                       [&](const std::string& w) { return mentions(r.err, w); });
                INFO("stderr must mention one of: " << [&] {
                    std::string s;
                    for (const auto& w : c.mention_any_of) s += "'" + w + "' ";
                    return s;
                }());
                CHECK(any);
            }

            const auto after = store_snapshot::take(store);
            INFO("store changes:\n" << before.describe_differences_to(after));
            CHECK(before == after);
        }
    }
}

TEST_CASE("a compressor setting the plugin refuses creates no store", "[integration][bad_input]") {
    temp_dir work;
    const fs::path tree = work / "small";
    make_small_tree(tree);
    export_request req{
        .layers = {tree},
        .outputs = {"type=image,name=a:1,compression=gzip"},
        .store = work / "fresh-store",
        .env = {{"LADING_GZIP_ENCODER", "fast"}},
    };
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    CHECK(split_lines(r.err).size() == 1);
    CHECK(mentions(r.err, "LADING_GZIP_ENCODER"));
    CHECK_FALSE(fs::exists(work / "fresh-store"));
}
