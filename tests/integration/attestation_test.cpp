// --attest: in-toto statements (an SBOM file, a provenance file or the provenance lading
// writes) attached to every platform manifest through attestation manifests in the root index.
// The store is read back field by field with the tests' own reader, then by skopeo and a
// private containerd; bad statements and conflicting parameters leave the store untouched.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>

#include "attestation_support.hpp"
#include "common/containerd_fixture.hpp"
#include "common/image_name.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* epoch = "1700000000";
constexpr const char* epoch_time = "2023-11-14T22:13:20Z";

export_request attest_request(const temp_dir& work, const std::string& output, std::vector<std::string> attest_args)
{
    const auto tree = work / "tree";
    if (!fs::exists(tree)) make_small_tree(tree);
    export_request req;
    req.layers = {tree};
    req.outputs = {output};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    req.extra_args = std::move(attest_args);
    req.env["SOURCE_DATE_EPOCH"] = epoch;
    return req;
}

blob_reader from_store(const oci_layout& layout)
{
    return [&layout](const std::string& digest) { return layout.read_blob(digest); };
}

// The diffIDs of a platform manifest's config, as hex.
std::vector<std::string> diff_id_hexes(const oci_layout& layout, const boost::json::object& platform_entry)
{
    auto manifest = layout.read_json_blob(json_string(platform_entry, "digest"));
    auto config = layout.read_json_blob(json_string(manifest.at("config"), "digest"));
    std::vector<std::string> out;
    for (const auto& d : config.at("rootfs").at("diff_ids").as_array()) out.push_back(std::string(d.as_string()).substr(7));
    return out;
}

std::string lading_version()
{
    auto r = lading_cmd().run({"version"});
    require_success(r);
    auto line = split_lines(r.out).at(0);
    REQUIRE(line.starts_with("lading "));
    return line.substr(7);
}

std::string purl(const std::string& name_and_tag, const std::string& platform_escaped)
{
    return "pkg:docker/" + name_and_tag + "?platform=" + platform_escaped;
}

}  // namespace

TEST_CASE("one platform, an SBOM file and lading's provenance, as OCI artifacts", "[integration][attest]")
{
    require_tools({tools::skopeo});
    temp_dir work;
    const auto sbom = write_spdx_statement(work / "sbom.json");
    auto req = attest_request(work, R"(type=image,"name=app:1,reg.example/team/app:2",oci-artifact=true)",
                              {"--attest", "type=sbom,path=" + sbom.string(), "--attest", "type=provenance"});
    auto meta = export_ok(req);
    oci_layout layout(req.store);

    // With attestations the root is an index even for one platform; the metadata says so.
    CHECK(json_string(meta.descriptor, "mediaType") == oci_index_media_type);
    CHECK(json_string(meta.descriptor, "digest") == meta.digest);
    CHECK_FALSE(meta.descriptor.contains("platform"));
    CHECK(meta.config_digest.empty());
    CHECK(meta.image_name == "app:1,reg.example/team/app:2");
    for (const auto& name : {"app:1", "reg.example/team/app:2"}) {
        auto entry = layout.find_entry(name);
        REQUIRE(entry);
        CHECK(json_string(*entry, "digest") == meta.digest);
        CHECK(json_string(*entry, "mediaType") == oci_index_media_type);
    }

    const auto index = layout.read_json_blob(meta.digest);
    INFO("index: " << boost::json::serialize(index));
    CHECK(json_string(index, "mediaType") == oci_index_media_type);
    const auto platforms = platform_entries(index);
    const auto attestations = attestation_entries(index);
    REQUIRE(platforms.size() == 1);
    REQUIRE(attestations.size() == 1);
    CHECK(index.at("manifests").as_array().size() == 2);
    CHECK(index.at("manifests").as_array().back() == attestations[0]);  // after the platform manifests
    CHECK(json_string(platforms[0], "mediaType") == oci_manifest_media_type);
    CHECK(platforms[0].at("platform") == boost::json::object{{"architecture", "amd64"}, {"os", "linux"}});

    const auto statements = check_attestation_manifest(
        attestations[0], from_store(layout),
        {platforms[0], true, {spdx_predicate_type, slsa_v02_predicate_type},
         {purl("app@1", "linux%2Famd64"), purl("reg.example/team/app@2", "linux%2Famd64")}});
    REQUIRE(statements.size() == 2);

    // The SBOM keeps its document; only its subject was replaced.
    CHECK(statements[0].at("predicate").at("packages").at(0).at("name") == "zlib");
    CHECK(statements[0].at("predicate").at("spdxVersion") == "SPDX-2.3");

    // The provenance: lading and its version, this export's parameters, the layer's digest,
    // and the epoch for both times.
    const auto& p = statements[1].at("predicate");
    INFO("provenance: " << boost::json::serialize(p));
    CHECK(json_string(p.at("builder"), "id") == "pkg:generic/lading@" + lading_version());
    CHECK_FALSE(json_string(p, "buildType").empty());
    CHECK(json_string(p.at("metadata"), "buildStartedOn") == epoch_time);
    CHECK(json_string(p.at("metadata"), "buildFinishedOn") == epoch_time);
    CHECK(p.at("metadata").at("reproducible") == true);
    const auto& params = p.at("invocation").at("parameters");
    CHECK(json_string(params, "platform") == "linux/amd64");
    CHECK(json_string(params, "from") == "scratch");
    CHECK(json_string(params, "source-date-epoch") == epoch);
    CHECK(json_string(params.at("output"), "name") == "app:1,reg.example/team/app:2");
    CHECK(json_string(params.at("output"), "oci-mediatypes") == "true");
    CHECK(json_string(params.at("output"), "oci-artifact") == "true");
    const auto materials = provenance_materials(statements[1]);
    const auto diff_ids = diff_id_hexes(layout, platforms[0]);
    REQUIRE(diff_ids.size() == 1);
    REQUIRE(materials.size() == 1);
    CHECK(materials.begin()->first == "file:" + (work / "tree").string());
    CHECK(materials.begin()->second == diff_ids[0]);

    // skopeo reads the index and picks the linux/amd64 image, never the attestation manifest.
    const std::string ref = "oci:" + req.store.string() + ":app:1";
    auto raw = run_process({"skopeo", "inspect", "--raw", ref}, 2min);
    INFO(raw.describe());
    REQUIRE(raw.succeeded());
    CHECK("sha256:" + sha256_hex(raw.out) == meta.digest);
    auto inspect = run_process({"skopeo", "inspect", ref}, 2min);
    INFO(inspect.describe());
    REQUIRE(inspect.succeeded());
    auto info = parse_json(inspect.out, "skopeo inspect");
    CHECK(json_string(info, "Architecture") == "amd64");
    CHECK(json_string(info, "Os") == "linux");
    CHECK(info.at("Layers").as_array().size() == 1);
    auto copy = run_process({"skopeo", "--insecure-policy", "copy", ref, "dir:" + (work / "copy").string()}, 5min);
    INFO(copy.describe());
    REQUIRE(copy.succeeded());
    CHECK("sha256:" + sha256_hex(read_text_file(work / "copy" / "manifest.json")) == json_string(platforms[0], "digest"));
}

TEST_CASE("attestation manifests default to the artifact form; oci-artifact=false gives BuildKit's image-shaped one",
          "[integration][attest]")
{
    require_tools({tools::skopeo});
    temp_dir work;
    const auto sbom = write_spdx_statement(work / "sbom.json", "openssl");
    // Two outputs in one run: oci-artifact=false (image-shaped) and the default, which with
    // OCI media types (also the default) is the artifact form.
    auto req = attest_request(work, "type=image,name=legacy:1,oci-artifact=false",
                              {"--attest", "type=sbom,path=" + sbom.string()});
    req.outputs.push_back("type=image,name=artifact:1");
    auto meta = export_ok(req);
    oci_layout layout(req.store);

    const auto outputs = meta.raw.at("lading.outputs").as_array();
    REQUIRE(outputs.size() == 2);
    for (std::size_t o = 0; o < 2; ++o) {
        const bool artifact = o == 1;
        DYNAMIC_SECTION((artifact ? "oci-artifact unset: the artifact form" : "oci-artifact=false")) {
            const auto digest = json_string(outputs[o], "containerimage.digest");
            CHECK(json_string(outputs[o].at("containerimage.descriptor"), "mediaType") == oci_index_media_type);
            CHECK_FALSE(outputs[o].as_object().contains("containerimage.config.digest"));
            const auto index = layout.read_json_blob(digest);
            INFO("index: " << boost::json::serialize(index));
            const auto platforms = platform_entries(index);
            const auto attestations = attestation_entries(index);
            REQUIRE(platforms.size() == 1);
            REQUIRE(attestations.size() == 1);
            auto statements = check_attestation_manifest(
                attestations[0], from_store(layout),
                {platforms[0], artifact, {spdx_predicate_type}, {purl(artifact ? "artifact@1" : "legacy@1", "linux%2Famd64")}});
            REQUIRE(statements.size() == 1);
            CHECK(statements[0].at("predicate").at("packages").at(0).at("name") == "openssl");

            // skopeo copies every manifest of the index, the attestation manifest included,
            // checking each blob's digest and size on the way.
            const auto name = artifact ? "artifact:1" : "legacy:1";
            const auto copy = work / (artifact ? "copy-artifact" : "copy-legacy");
            auto r = run_process({"skopeo", "--insecure-policy", "copy", "--all", "--preserve-digests",
                                  "oci:" + req.store.string() + ":" + name, "oci:" + copy.string() + ":" + name},
                                 5min);
            INFO(r.describe());
            REQUIRE(r.succeeded());
            oci_layout copied(copy);
            auto entry = copied.find_entry(name);
            REQUIRE(entry);
            CHECK(json_string(*entry, "digest") == digest);
            CHECK(copied.read_blob(json_string(attestations[0], "digest")) == layout.read_blob(json_string(attestations[0], "digest")));
        }
    }
    // Both outputs share the platform manifest; only their attestation manifests differ.
    CHECK(json_string(outputs[0], "containerimage.digest") != json_string(outputs[1], "containerimage.digest"));
}

TEST_CASE("two platforms: one attestation manifest per platform manifest, in platform order", "[integration][attest]")
{
    temp_dir work;
    const auto sbom = write_spdx_statement(work / "sbom.json");
    make_small_tree(work / "arm-extra", "arm");
    auto req = attest_request(work, "type=image,name=multi:1,oci-artifact=true",
                              {"--attest", "type=provenance", "--attest", "type=sbom,path=" + sbom.string(), "--layer",
                               "linux/arm64=" + (work / "arm-extra").string()});
    req.platform = "linux/amd64,linux/arm64";
    auto meta = export_ok(req);
    oci_layout layout(req.store);

    const auto index = layout.read_json_blob(meta.digest);
    INFO("index: " << boost::json::serialize(index));
    const auto platforms = platform_entries(index);
    const auto attestations = attestation_entries(index);
    REQUIRE(platforms.size() == 2);
    REQUIRE(attestations.size() == 2);
    const auto& all = index.at("manifests").as_array();
    REQUIRE(all.size() == 4);
    CHECK(all[0] == platforms[0]);
    CHECK(all[1] == platforms[1]);
    CHECK(all[2] == attestations[0]);
    CHECK(all[3] == attestations[1]);

    const std::vector<std::string> arch{"amd64", "arm64"};
    for (std::size_t i = 0; i < 2; ++i) {
        DYNAMIC_SECTION("linux/" << arch[i]) {
            CHECK(json_string(platforms[i].at("platform"), "architecture") == arch[i]);
            auto statements = check_attestation_manifest(
                attestations[i], from_store(layout),
                {platforms[i], true, {slsa_v02_predicate_type, spdx_predicate_type}, {purl("multi@1", "linux%2F" + arch[i])}});
            REQUIRE(statements.size() == 2);
            const auto& params = statements[0].at("predicate").at("invocation").at("parameters");
            CHECK(json_string(params, "platform") == "linux/" + arch[i]);
            // The materials are exactly this platform's layers, each with its diffID.
            const auto diff_ids = diff_id_hexes(layout, platforms[i]);
            const auto materials = provenance_materials(statements[0]);
            REQUIRE(materials.size() == diff_ids.size());
            CHECK(materials.at("file:" + (work / "tree").string()) == diff_ids[0]);
            if (i == 1) CHECK(materials.at("file:" + (work / "arm-extra").string()) == diff_ids[1]);
            else CHECK(diff_ids.size() == 1);
        }
    }
}

TEST_CASE("lading's provenance lists the base image and is reproducible with SOURCE_DATE_EPOCH", "[integration][attest]")
{
    temp_dir work;
    // The base: an image in a layout of its own.
    make_small_tree(work / "base-tree", "base");
    export_request base;
    base.layers = {work / "base-tree"};
    base.outputs = {"type=image,name=base:1,oci-mediatypes=true"};
    base.store = work / "base-store";
    base.metadata_file = work / "base.json";
    base.env["SOURCE_DATE_EPOCH"] = epoch;
    const auto base_meta = export_ok(base);
    const std::string from = "oci-layout://" + base.store.string() + ":base:1";

    auto export_into = [&](const std::string& store, const std::string& when) {
        auto req = attest_request(work, "type=image,name=app:1", {"--attest", "type=provenance", "--from", from});
        req.store = work / store;
        req.metadata_file = work / (store + ".json");
        if (when.empty()) req.env["SOURCE_DATE_EPOCH"] = std::nullopt;
        else req.env["SOURCE_DATE_EPOCH"] = when;
        return std::make_pair(export_ok(req), req.store);
    };
    const auto [first, first_store] = export_into("store-a", epoch);
    const auto [second, second_store] = export_into("store-b", epoch);
    CHECK(first.digest == second.digest);
    CHECK(store_snapshot::take(first_store) == store_snapshot::take(second_store));

    oci_layout layout(first_store);
    const auto index = layout.read_json_blob(first.digest);
    const auto platforms = platform_entries(index);
    const auto attestations = attestation_entries(index);
    REQUIRE(platforms.size() == 1);
    REQUIRE(attestations.size() == 1);
    const auto statements = check_attestation_manifest(attestations[0], from_store(layout),
                                                       {platforms[0], true, {slsa_v02_predicate_type}, {purl("app@1", "linux%2Famd64")}});
    REQUIRE(statements.size() == 1);
    const auto materials = provenance_materials(statements[0]);
    const auto diff_ids = diff_id_hexes(layout, platforms[0]);
    REQUIRE(diff_ids.size() == 2);  // the base layer, then the new one
    CHECK(materials.size() == 2);
    CHECK(materials.at(from) == base_meta.digest.substr(7));
    CHECK(materials.at("file:" + (work / "tree").string()) == diff_ids[1]);
    CHECK(json_string(statements[0].at("predicate").at("invocation").at("parameters"), "from") == from);

    // Another epoch changes the provenance, and with it the index digest.
    const auto [later, later_store] = export_into("store-c", "1700000001");
    CHECK(later.digest != first.digest);
    // Without an epoch the times are real and the provenance says it is not reproducible.
    const auto [unpinned, unpinned_store] = export_into("store-d", "");
    oci_layout unpinned_layout(unpinned_store);
    const auto unpinned_index = unpinned_layout.read_json_blob(unpinned.digest);
    auto unpinned_statements = check_attestation_manifest(
        attestation_entries(unpinned_index).at(0), from_store(unpinned_layout),
        {platform_entries(unpinned_index).at(0), true, {slsa_v02_predicate_type}, {purl("app@1", "linux%2Famd64")}});
    const auto& metadata = unpinned_statements.at(0).at("predicate").at("metadata");
    CHECK(metadata.at("reproducible") == false);
    const auto started = json_string(metadata, "buildStartedOn");
    CHECK(started > std::string("2024-"));
    CHECK(json_string(metadata, "buildFinishedOn") >= started);
}

TEST_CASE("attestations: no name binds the digest alone; index annotations work on one platform",
          "[integration][attest]")
{
    temp_dir work;
    SECTION("no name: the subject is \"_\" with the manifest digest")
    {
        auto req = attest_request(work, "type=image", {"--attest", "type=provenance"});
        auto meta = export_ok(req);
        oci_layout layout(req.store);
        CHECK(layout.names().empty());
        const auto index = layout.read_json_blob(meta.digest);
        check_attestation_manifest(attestation_entries(index).at(0), from_store(layout),
                                   {platform_entries(index).at(0), true, {slsa_v02_predicate_type}, {"_"}});
    }
    SECTION("index annotations and platform-qualified manifest annotations apply to the single-platform index")
    {
        auto req = attest_request(
            work,
            "type=image,name=annotated:1,annotation-index.org.opencontainers.image.title=Annotated,"
            "annotation-index-descriptor.org.example.where=descriptor,annotation[linux/amd64].org.example.arch=amd64",
            {"--attest", "type=provenance"});
        auto meta = export_ok(req);
        oci_layout layout(req.store);
        const auto index = layout.read_json_blob(meta.digest);
        INFO("index: " << boost::json::serialize(index));
        CHECK(json_string(index.at("annotations"), "org.opencontainers.image.title") == "Annotated");
        CHECK(json_string(meta.descriptor.at("annotations"), "org.example.where") == "descriptor");
        const auto manifest = layout.read_json_blob(json_string(platform_entries(index).at(0), "digest"));
        CHECK(json_string(manifest.at("annotations"), "org.example.arch") == "amd64");
        // The attestation manifest gets none of the user's annotations.
        const auto attestation = layout.read_json_blob(json_string(attestation_entries(index).at(0), "digest"));
        CHECK_FALSE(attestation.as_object().contains("annotations"));
    }
}

TEST_CASE("a private containerd imports an image with attestations", "[integration][attest]")
{
    require_tools({tools::containerd, tools::ctr, tools::tar});
    temp_dir work;
    const auto sbom = write_spdx_statement(work / "sbom.json");
    auto req = attest_request(work, "type=image,name=ctr-attest:1,oci-artifact=true",
                              {"--attest", "type=sbom,path=" + sbom.string(), "--attest", "type=provenance"});
    auto meta = export_ok(req);

    containerd_fixture containerd;
    const auto archive = work / "store.tar";
    auto r = run_process({"tar", "-C", req.store.string(), "-cf", archive.string(), "."}, 5min);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    // --all-platforms keeps the unknown/unknown attestation manifest referenced from the
    // index (without it containerd imports it but may garbage-collect it at any time).
    r = containerd.ctr({"images", "import", "--all-platforms", "--snapshotter", "native", archive.string()});
    INFO(r.describe() << "containerd log (tail):\n" << containerd.log_tail());
    REQUIRE(r.succeeded());

    const std::string full_name = normalize_image_name("ctr-attest:1");
    const auto line = containerd.image_check_line(full_name);
    REQUIRE_FALSE(line.empty());
    CHECK(line.find("complete") != std::string::npos);
    CHECK(line.find(oci_index_media_type) != std::string::npos);
    CHECK(line.ends_with(" true"));  // unpacked

    r = containerd.ctr({"images", "ls"}, 1min);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    CHECK(r.out.find(meta.digest) != std::string::npos);
    // The attestation manifest and its statements came along into the content store.
    oci_layout layout(req.store);
    const auto attestation = attestation_entries(layout.read_json_blob(meta.digest)).at(0);
    std::vector<std::string> digests{json_string(attestation, "digest")};
    const auto attestation_manifest = layout.read_json_blob(digests[0]);
    for (const auto& l : attestation_manifest.at("layers").as_array()) digests.push_back(json_string(l, "digest"));
    REQUIRE(digests.size() == 3);
    for (const auto& d : digests) {
        r = containerd.ctr({"content", "get", d}, 1min);
        INFO(r.describe());
        REQUIRE(r.succeeded());
        CHECK("sha256:" + sha256_hex(r.out) == d);
    }
}

namespace {

struct attest_failure {
    std::string title;
    int status;
    std::vector<std::string> must_mention;
    std::function<std::vector<std::string>(const temp_dir& work, std::string& output)> setup;
};

std::vector<std::string> attest_file(const fs::path& file, const std::string& type = "sbom")
{
    return {"--attest", "type=" + type + ",path=" + file.string()};
}

fs::path write_file(const fs::path& file, const std::string& text)
{
    std::ofstream(file, std::ios::binary) << text;
    return file;
}

std::vector<attest_failure> attest_failures()
{
    return {
        {"oci-mediatypes=false with attestations", 2, {"cannot export attestations with \"oci-mediatypes=false\""},
         [](const temp_dir& w, std::string& out) {
             out = "type=image,name=app:1,oci-mediatypes=false";
             return attest_file(write_spdx_statement(w / "sbom.json"));
         }},
        {"missing statement file", 1, {"attestation file", "missing.json", "does not exist"},
         [](const temp_dir& w, std::string&) { return attest_file(w / "missing.json"); }},
        {"statement file that is not JSON", 1, {"not-json.json", "is not JSON"},
         [](const temp_dir& w, std::string&) { return attest_file(write_file(w / "not-json.json", "SPDXVersion: SPDX-2.3\n")); }},
        {"statement without _type", 1, {"no-type.json", "_type"},
         [](const temp_dir& w, std::string&) {
             return attest_file(write_file(w / "no-type.json", R"({"predicateType":"https://spdx.dev/Document","predicate":{}})"));
         }},
        {"statement without predicateType", 1, {"no-predicate-type.json", "predicateType"},
         [](const temp_dir& w, std::string&) {
             return attest_file(write_file(w / "no-predicate-type.json", R"({"_type":"https://in-toto.io/Statement/v1","predicate":{}})"));
         }},
        {"sbom whose predicate is not an SBOM", 1, {"slsa.json", "is not an SBOM"},
         [](const temp_dir& w, std::string&) {
             return attest_file(write_file(w / "slsa.json",
                                           R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v0.2","predicate":{}})"));
         }},
        {"statement file over 40 MiB (sparse)", 1, {"huge.json", "40 MiB"},
         [](const temp_dir& w, std::string&) {
             const auto file = write_file(w / "huge.json", "{");
             fs::resize_file(file, (40ull << 20) + 1);
             return attest_file(file);
         }},
        {"unknown attestation type", 2, {"unknown type \"sbom2\"", "type=sbom or type=provenance"},
         [](const temp_dir&, std::string&) { return std::vector<std::string>{"--attest", "type=sbom2,path=x.json"}; }},
        {"unknown --attest key", 2, {"unknown key \"file\"", "path"},
         [](const temp_dir&, std::string&) { return std::vector<std::string>{"--attest", "type=sbom,file=x.json"}; }},
        {"sbom without a file", 2, {"type=sbom needs path=FILE"},
         [](const temp_dir&, std::string&) { return std::vector<std::string>{"--attest", "type=sbom"}; }},
        {"generated provenance asked for twice", 2, {"type=provenance", "twice"},
         [](const temp_dir&, std::string&) {
             return std::vector<std::string>{"--attest", "type=provenance", "--attest", "type=provenance"};
         }},
    };
}

}  // namespace

TEST_CASE("attestation errors: one line, the right status, the store untouched", "[integration][attest]")
{
    for (const auto& c : attest_failures()) {
        DYNAMIC_SECTION(c.title) {
            temp_dir work;
            auto good = attest_request(work, "type=image,name=good:1", {"--attest", "type=provenance"});
            export_ok(good);
            const auto before = store_snapshot::take(good.store);
            REQUIRE(before.size() > 0);

            std::string output = "type=image,name=bad:1";
            auto args = c.setup(work, output);
            auto req = attest_request(work, output, args);
            req.metadata_file = work / "bad.json";
            auto r = run_export(req);
            INFO(r.describe());
            CHECK(r.term_signal == 0);
            CHECK(r.exit_code == c.status);
            auto lines = split_lines(r.err);
            CHECK(lines.size() == 1);
            for (const auto& word : c.must_mention) {
                INFO("stderr must mention: " << word);
                CHECK(r.err.find(word) != std::string::npos);
            }
            CHECK_FALSE(fs::exists(req.metadata_file));
            const auto after = store_snapshot::take(good.store);
            INFO(before.describe_differences_to(after));
            CHECK(before == after);
        }
    }
}
