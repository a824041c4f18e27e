// A store's index.json may hold entries lading cannot use: damaged by hand, or written by
// another tool. Each is reported once, where it matters, and hides no other name; an export
// into the store keeps its bytes.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

bool any_line_has(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "")
{
    for (const auto& l : lines)
        if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("unreadable index.json entries hide no other name and an export keeps their bytes",
          "[integration][store][index-entries]")
{
    temp_dir work;
    make_small_tree(work / "tree", "tree");
    const fs::path store = work / "store";
    const auto app = export_ok({.layers = {work / "tree"}, .outputs = {"type=image,name=app:1"}, .store = store,
                                .metadata_file = work / "app.json"});
    const auto size = std::to_string(fs::file_size(store / "blobs" / "sha256" / app.digest.substr(7)));
    const std::string manifest_type = R"("mediaType":"application/vnd.oci.image.manifest.v1+json")";
    const auto entry = [&](const std::string& fields) { return "{" + manifest_type + "," + fields + "}"; };
    const auto good = entry(R"("digest":")" + app.digest + R"(","size":)" + size +
                            R"(,"annotations":{"io.containerd.image.name":"docker.io/library/app:1","org.opencontainers.image.ref.name":"app:1"})");
    const std::vector<std::string> strangers{
        entry(R"("digest":")" + app.digest + R"(","annotations":{"org.opencontainers.image.ref.name":"app:2"})"),
        entry(R"("digest":"sha256:0123","size":)" + size + R"(,"annotations":{"org.opencontainers.image.ref.name":"bad:1"})"),
        R"({"mediaType":"application/x-unknown","digest":")" + app.digest + R"(","size":)" + size +
            R"(,"annotations":{"org.opencontainers.image.ref.name":"odd:1"}})",
        entry(R"("digest":")" + app.digest + R"(","size":)" + size + R"(,"annotations":{"org.opencontainers.image.ref.name":7})"),
        R"({ "mediaType" : "application/vnd.oci.image.manifest.v1+json", "digest":")" + app.digest + R"(", "size":)" + size +
            R"(, "annotations":{"x.note":"caf\u00e9"}, "x-big":123456789012345678901234567890 })",
        R"("a string another tool left")",
    };
    std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" + good;
    for (const auto& s : strangers) index += "," + s;
    write_bytes(store / "index.json", index + "]}");

    auto help = lading_cmd().run({"images", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("warning line on stderr") != std::string::npos);

    auto images = lading_cmd().run({"images", "--store", store.string()});
    INFO(images.describe());
    CHECK(images.exit_code == 0);
    const auto listed = parse_image_listing(images.out);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].name == "app:1");
    const auto warnings = split_lines(images.err);
    CHECK(warnings.size() == 5);
    CHECK(any_line_has(warnings, "name \"app:2\" is unreadable", "has no valid size"));
    CHECK(any_line_has(warnings, "name \"bad:1\" is unreadable"));
    CHECK(any_line_has(warnings, "name \"odd:1\" is unreadable", "application/x-unknown"));
    CHECK(any_line_has(warnings, "index.json manifests[4]", "not a string"));
    CHECK(any_line_has(warnings, "index.json manifests[6]", "not a JSON object"));

    auto inspect = lading_cmd().run({"inspect", "app:1", "--store", store.string()});
    INFO(inspect.describe());
    CHECK(inspect.exit_code == 0);
    auto broken = lading_cmd().run({"inspect", "app:2", "--store", store.string()});
    INFO(broken.describe());
    CHECK(broken.exit_code == 1);
    REQUIRE(split_lines(broken.err).size() == 1);
    CHECK(any_line_has(split_lines(broken.err), "name \"app:2\" is unreadable", "has no valid size"));

    const auto check = lading_cmd().run({"store", "check", "--store", store.string()}, {}, 2min);
    INFO(check.describe());
    CHECK(check.exit_code == 1);
    const auto findings = split_lines(check.out);
    CHECK(findings.size() == 6);  // five entries and the summary
    CHECK(any_line_has(findings, "unreadable: name \"app:2\"", "has no valid size"));
    CHECK(any_line_has(findings, "unreadable: index.json manifests[6]"));
    CHECK(any_line_has(findings, "store " + store.string() + ": 1 names, 3 blobs, 5 faults, 0 dangling"));

    auto based = run_export({.layers = {work / "tree"}, .outputs = {"type=image,name=app:4"}, .store = work / "other",
                             .extra_args = {"--from", "oci-layout://" + store.string() + ":app:1"}});
    INFO(based.describe());
    CHECK(based.exit_code == 0);

    export_ok({.layers = {work / "tree"}, .outputs = {"type=image,name=app:3"}, .store = store,
               .metadata_file = work / "app3.json"});
    const auto after = read_text_file(store / "index.json");
    INFO(after);
    CHECK(after.find(good) != std::string::npos);
    for (const auto& s : strangers) CHECK(after.find(s) != std::string::npos);
    CHECK(after.find("\"org.opencontainers.image.ref.name\":\"app:3\"") != std::string::npos);
}

TEST_CASE("store check reports a name with two entries, and an export of the name leaves one",
          "[integration][store][index-entries]")
{
    temp_dir work;
    make_small_tree(work / "tree", "tree");
    const fs::path store = work / "store";
    export_ok({.layers = {work / "tree"}, .outputs = {"type=image,name=app:1"}, .store = store,
               .metadata_file = work / "app.json"});
    // Another tool (or an older lading) left the entry twice.
    auto index = read_text_file(store / "index.json");
    const auto open = index.find('[') + 1, close = index.rfind(']');
    const auto entry = index.substr(open, close - open);
    write_bytes(store / "index.json", index.substr(0, close) + "," + entry + index.substr(close));

    auto check = lading_cmd().run({"store", "check", "--store", store.string()}, {}, 2min);
    INFO(check.describe());
    CHECK(check.exit_code == 1);
    CHECK(any_line_has(split_lines(check.out), "ambiguous: name \"app:1\" has 2 entries"));

    export_ok({.layers = {work / "tree"}, .outputs = {"type=image,name=app:1"}, .store = store,
               .metadata_file = work / "again.json"});
    check = lading_cmd().run({"store", "check", "--store", store.string()}, {}, 2min);
    INFO(check.describe());
    CHECK(check.exit_code == 0);
    CHECK(oci_layout(store).names() == std::vector<std::string>{"app:1"});
}
