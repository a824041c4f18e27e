// The command line as users meet it: every command answers --help and -h on stdout with its
// flags and examples, usage errors are one line on stderr with exit status 2, -o and
// --output keep the order they were given in, and --platform is normalised (linux/arm is
// linux/arm/v7).
#include <catch2/catch.hpp>

#include "common/export_metadata.hpp"
#include "common/image_view.hpp"
#include "common/oci_layout.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

struct command_help {
    std::vector<std::string> argv;       // what follows "lading"
    std::string usage;                   // the first line starts with this
    std::vector<std::string> key_flags;  // each must be mentioned
};

std::vector<command_help> commands()
{
    return {
        {{"export"}, "usage: lading export", {"--output", "-o,", "--layer", "--from", "--platform", "--progress",
                                              "--metadata-file", "--attest", "--store"}},
        {{"bake"}, "usage: lading bake", {"--file", "-f,", "--set", "--print", "--list", "--push", "--metadata-file",
                                          "--progress", "--store"}},
        {{"images"}, "usage: lading images", {"--store"}},
        {{"convert"}, "usage: lading convert", {"--compression", "--compression-level", "-t,", "--store"}},
        {{"inspect"}, "usage: lading inspect", {"--store"}},
        {{"store", "check"}, "usage: lading store check", {"--store"}},
        {{"plugins"}, "usage: lading plugins", {"--plugin-path"}},
        {{"login"}, "usage: lading login", {"--username", "-u,", "--password-stdin", "--insecure"}},
        {{"version"}, "usage: lading version", {}},
        {{"imagetools", "create"}, "usage: lading imagetools create",
         {"--tag", "-t,", "--from-metadata", "--append", "--annotation", "--dry-run", "--metadata-file"}},
        {{"imagetools", "inspect"}, "usage: lading imagetools inspect", {"--raw"}},
    };
}

}  // namespace

TEST_CASE("every command answers --help and -h with its flags and examples", "[integration][cli]")
{
    for (const auto& c : commands())
        for (const std::string help : {"--help", "-h"}) {
            auto argv = c.argv;
            argv.push_back(help);
            DYNAMIC_SECTION("lading " << argv.front() << " " << help)
            {
                auto r = lading_cmd().run(argv);
                INFO(r.describe());
                CHECK(r.exit_code == 0);
                CHECK(r.err.empty());
                CHECK(r.out.starts_with(c.usage));
                CHECK(contains(r.out, "Examples:\n  lading " + c.argv.front()));
                CHECK(contains(r.out, "--help"));
                for (const auto& flag : c.key_flags) CHECK(contains(r.out, flag));
            }
        }
}

TEST_CASE("--help wins over the rest of the line and lading --help lists the commands", "[integration][cli]")
{
    auto r = lading_cmd().run({"export", "--not-a-flag", "-o", "type=image", "--help"});
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("usage: lading export"));

    for (const std::string help : {"--help", "-h", "help"}) {
        auto top = lading_cmd().run({help});
        INFO(top.describe());
        CHECK(top.exit_code == 0);
        CHECK(top.err.empty());
        for (const std::string command : {"export", "images", "inspect", "store check", "plugins", "login", "version",
                                           "convert"})
            CHECK(contains(top.out, "\n  " + command + " "));
    }
    auto via_help = lading_cmd().run({"help", "export"});
    CHECK(via_help.exit_code == 0);
    CHECK(via_help.out == lading_cmd().run({"export", "--help"}).out);
}

TEST_CASE("a usage error is exactly one line on stderr and exit status 2", "[integration][cli]")
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"export", "--no-such-flag"}, "--no-such-flag"},
        {{"export", "./x", "--output"}, "--output needs a value"},
        {{"export", "./x"}, "no --output given"},
        {{"images", "extra"}, "takes no arguments"},
        {{"convert", "app:1"}, "no --compression given"},
        {{"login", "--password-stdin=yes", "127.0.0.1:1"}, "--password-stdin"},
        {{"frobnicate"}, "unknown command"},
        {{"imagetools", "frobnicate"}, "unknown imagetools command"},
        {{"imagetools", "create", "127.0.0.1:1/app@sha256:" + std::string(64, 'a')}, "no target given"},
        {{"imagetools", "create", "-t", "127.0.0.1:1/app:1"}, "no source given"},
        {{"imagetools", "create", "-t", "127.0.0.1:1/app:1", "--annotation", "manifest:k=v", "127.0.0.1:1/app:0"},
         "manifest-descriptor"},
        {{"imagetools", "create", "-t", "127.0.0.1:1/app@sha256:" + std::string(64, 'a'), "127.0.0.1:1/app:0"},
         "not a digest"},
        {{"imagetools", "create", "-t", "store://", "127.0.0.1:1/app:0"}, "store:// needs a name"},
        {{}, "no command given"},
    };
    for (const auto& [argv, mention] : cases) {
        auto r = lading_cmd().run(argv);
        INFO(r.describe());
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        auto lines = split_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].starts_with("lading: "));
        CHECK(contains(lines[0], mention));
    }
}

TEST_CASE("-o and --output keep their order: the first feeds the metadata keys", "[integration][cli]")
{
    temp_dir work;
    const fs::path tree = work / "small";
    make_small_tree(tree);
    const fs::path store = work / "store";
    const fs::path metadata = work / "metadata.json";
    // Docker media types for the first, OCI for the second, so the two digests differ.
    const std::string first = "type=image,name=first:1,oci-mediatypes=false";
    const std::string second = "type=image,name=second:1";

    for (const bool short_first : {true, false}) {
        DYNAMIC_SECTION((short_first ? "-o then --output" : "--output then -o"))
        {
            auto r = lading_cmd().run({"export", tree.string(), short_first ? "-o" : "--output", first,
                                       short_first ? "--output" : "-o", second, "--store", store.string(),
                                       "--metadata-file", metadata.string(), "--progress", "quiet"});
            require_success(r);
            auto digests = split_lines(r.out);
            REQUIRE(digests.size() == 2);
            CHECK(digests[0] != digests[1]);
            auto meta = read_export_metadata(metadata);
            CHECK(meta.image_name == "first:1");
            CHECK(meta.digest == digests[0]);
            const auto& outputs = meta.raw.at("lading.outputs").as_array();
            REQUIRE(outputs.size() == 2);
            CHECK(outputs[1].at("image.name").as_string() == "second:1");
            CHECK(outputs[1].at("containerimage.digest").as_string() == digests[1]);
        }
    }
}

TEST_CASE("--platform linux/arm means linux/arm/v7: in the index and for annotations", "[integration][cli][platform]")
{
    temp_dir work;
    make_small_tree(work / "small");
    export_request req;
    req.layers = {work / "small"};
    req.platform = "linux/amd64,linux/arm";
    req.outputs = {"type=image,name=multi:1,oci-mediatypes=true,annotation[linux/arm/v7].k=v"};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    auto meta = export_ok(req);

    const auto index = oci_layout(req.store).read_json_blob(meta.digest).as_object();
    INFO(boost::json::serialize(index));
    const auto& manifests = index.at("manifests").as_array();
    REQUIRE(manifests.size() == 2);
    CHECK(manifests[1].at("platform") ==
          boost::json::object{{"architecture", "arm"}, {"os", "linux"}, {"variant", "v7"}});
    auto arm = read_image(req.store, std::string(manifests[1].at("digest").as_string()));
    CHECK(arm.manifest.at("annotations") == boost::json::object{{"k", "v"}});
    CHECK(arm.config.at("variant") == "v7");
    auto amd64 = read_image(req.store, std::string(manifests[0].at("digest").as_string()));
    CHECK_FALSE(amd64.manifest.contains("annotations"));
}

TEST_CASE("a single-platform export says which platform-qualified annotations it does not apply",
          "[integration][cli][annotations]")
{
    temp_dir work;
    make_small_tree(work / "small");
    export_request req;
    req.layers = {work / "small"};
    req.outputs = {"type=image,name=single:1,oci-mediatypes=true,annotation.plain=p,"
                   "annotation[linux/amd64].org.example.arch=amd64"};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    auto r = run_export(req);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    CHECK(r.err.find("warning: annotation[linux/amd64].org.example.arch is not applied") != std::string::npos);
    CHECK(r.err.find("annotation.plain") == std::string::npos);
    // As in BuildKit, the image has the plain annotation only.
    auto meta = read_export_metadata(req.metadata_file);
    auto image = read_image(req.store, meta.digest);
    CHECK(image.manifest.at("annotations") == boost::json::object{{"plain", "p"}});
}
