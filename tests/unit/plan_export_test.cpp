// plan_export() decides an export from the request and gathered facts alone: these tests
// hand it facts written out by hand (no plugin is loaded, nothing is read).
#include "export/plan_export.hpp"

#include "export/annotations.hpp"
#include <lading/error.hpp>
#include <lading/export/output_spec.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

using namespace lading;

const std::string oci_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
const std::string oci_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
const std::string oci_tar = "application/vnd.oci.image.layer.v1.tar";
const std::string docker_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
const std::string stargz_toc = "containerd.io/snapshot/stargz/toc.digest";

digest digest_of(char c) { return digest::parse_or_throw("sha256:" + std::string(64, c), "test digest"); }

media_type_facts oci_types()
{
    media_type_facts f{"oci",
                       LADING_CAN_MANIFEST_ANNOTATIONS | LADING_CAN_DESCRIPTOR_ANNOTATIONS |
                           LADING_CAN_LAYER_ANNOTATIONS | LADING_CAN_ARTIFACTS | LADING_CAN_ATTESTATIONS,
                       {{"", oci_tar}, {"gzip", oci_gzip}, {"zstd", oci_zstd}},
                       {}};
    return f;
}

media_type_facts docker_types()
{
    return {"docker",
            LADING_CAN_MANIFEST_ANNOTATIONS,
            {{"", "application/vnd.docker.image.rootfs.diff.tar"}, {"gzip", docker_gzip},
             {"zstd", "application/vnd.docker.image.rootfs.diff.tar.zstd"}},
            {}};
}

// The plugins lading ships, as their tables describe them.
plugin_facts shipped_plugins()
{
    plugin_facts p;
    p.compressor_names = {"estargz", "gzip", "uncompressed", "zstd"};
    p.compressors = {{"gzip", {"gzip", "gzip", 0, 9, 6, {}}},
                     {"estargz", {"estargz", "gzip", 0, 9, 6, {}}},
                     {"zstd", {"zstd", "zstd", 1, 22, 3, {}}},
                     {"uncompressed", {"uncompressed", "", 0, 0, 0, {}}}};
    p.media_types = {{"oci", oci_types()}, {"docker", docker_types()}};
    for (auto& [family, f] : p.media_types)
        f.base_layer_suffixes = {{oci_gzip, "gzip"}, {oci_zstd, "zstd"}, {oci_tar, ""}, {docker_gzip, "gzip"}};
    p.stores = {"oci-layout"};
    return p;
}

descriptor layer_blob(const std::string& media_type, char c, annotation_map annotations = {})
{
    return {media_type, digest_of(c), 1000, std::move(annotations), std::nullopt, {}};
}

// A base image on a registry (or, with `local`, in a layout) for linux/amd64.
base_image base_with(std::vector<descriptor> layers, std::string host = "", bool local = false)
{
    base_image b;
    b.reference = host.empty() ? "oci-layout:///b:1" : host + "/base:1";
    b.manifest_digest = digest_of('f');
    b.layers = std::move(layers);
    for (std::size_t i = 0; i < b.layers.size(); ++i) b.diff_ids.push_back(digest_of(static_cast<char>('0' + i)));
    b.platform = platform::parse("linux/amd64");
    b.registry_host = host;
    b.repository = host.empty() ? "" : "base";
    if (local) b.open_local_blob = [](const digest&) { return std::unique_ptr<byte_source>(); };
    return b;
}

export_request request_for(std::vector<std::string> outputs, std::size_t layers = 1)
{
    export_request r;
    for (std::size_t i = 0; i < layers; ++i) r.layers.push_back({"layer" + std::to_string(i), std::nullopt});
    r.settings.platform = platform::parse("linux/amd64");
    for (const auto& o : outputs) r.outputs.push_back(parse_output_spec(o));
    return r;
}

export_facts facts_for(const export_request& r, std::optional<base_image> base = std::nullopt)
{
    export_facts f{shipped_plugins(), {}};
    const auto platforms = r.platforms.empty() ? 1 : r.platforms.size();
    for (std::size_t i = 0; i < platforms; ++i) {
        f.bases.push_back(base);
        if (base && !r.platforms.empty()) f.bases.back()->platform = r.platforms[i];
    }
    return f;
}

std::string usage_message(const export_request& r, const export_facts& f)
{
    try {
        plan_export(r, f);
    } catch (const usage_error& e) {
        return e.what();
    }
    FAIL("no usage_error");
    return {};
}

std::vector<std::string> names_of(const output_plan& out, char root)
{
    return final_names(out, digest_of(root));
}

}  // namespace

TEST_CASE("plan: each bad combination is refused with BuildKit's words", "[plan]")
{
    auto refused = [](std::vector<std::string> outputs) {
        auto r = request_for(std::move(outputs));
        return usage_message(r, facts_for(r));
    };
    CHECK(refused({"type=image,name=a:1,compression=estargz,oci-mediatypes=false"}) ==
          "invalid --output: exporter option \"compression=estargz\" conflicts with \"oci-mediatypes=false\"");
    CHECK(refused({"type=image,name=a:1,oci-artifact=true,oci-mediatypes=false"}) ==
          "invalid --output: exporter option \"oci-artifact=true\" conflicts with \"oci-mediatypes=false\"");
    CHECK(refused({"type=image,name=a:1,annotation-index.k=v,oci-mediatypes=false"}) ==
          "invalid --output: cannot export annotations with \"oci-mediatypes=false\" (annotation-index.k)");
    CHECK(refused({"type=image,name=a:1,annotation-index.k=v,oci-mediatypes=true"}) ==
          "invalid --output: index annotations not supported for single platform export");
    CHECK(refused({"type=image,name=a:1,annotation[linux/s390x].k=v,oci-mediatypes=true"}) ==
          "invalid --output: invalid annotation: no platform linux/s390x found in source (annotation[linux/s390x].k)");
    CHECK(refused({"type=registry,name=r.example/a:1,push-by-digest=true"}) ==
          "invalid --output: can't push tagged ref r.example/a:1 by digest (push-by-digest=true takes names without "
          "a tag)");
    CHECK(refused({"type=registry"}) ==
          "invalid --output: tag is needed when pushing to registry; add name=... (or dangling-name-prefix=...)");
    CHECK(refused({"type=image,push=true,push-by-digest=true"}) ==
          "invalid --output: tag is needed when pushing to registry; add name=... (or dangling-name-prefix=...)");
    CHECK(refused({"type=image,name=a:1,compression=lz4"}) ==
          "invalid --output: unsupported compression type \"lz4\" (available: estargz, gzip, uncompressed, zstd)");
    CHECK(refused({"type=image,name=a:1,compression=zstd,compression-level=23"}) ==
          "invalid --output: compression-level=23 is out of range for zstd (1 to 22)");
    CHECK(refused({"type=image,name=a:1,compression=gzip,compression-level=-1"}) ==
          "invalid --output: compression-level=-1 is out of range for gzip (0 to 9)");
    CHECK(refused({"type=image,name=a:1,dangling-name-prefix=Bad Prefix"}) ==
          "invalid --output: dangling-name-prefix=Bad Prefix is not a valid repository name");
    CHECK(refused({}) == "no --output given; add e.g. --output type=image,name=app:1");
}

TEST_CASE("plan: attestations need OCI media types", "[plan]")
{
    auto r = request_for({"type=image,name=a:1,oci-mediatypes=false"});
    r.attestations.push_back({});
    CHECK(usage_message(r, facts_for(r)) ==
          "invalid --output: cannot export attestations with \"oci-mediatypes=false\"; drop oci-mediatypes=false or "
          "the --attest flags");

    // Left unset, oci-mediatypes turns on, and the root becomes an index even for one platform.
    r = request_for({"type=image,name=a:1"});
    r.attestations.push_back({});
    auto plan = plan_export(r, facts_for(r));
    CHECK(plan.request.outputs[0].oci_mediatypes);
    CHECK(plan.attestations);
    CHECK(plan.root_is_index);
}

TEST_CASE("plan: a missing plugin is reported with the loader's message where it is needed", "[plan]")
{
    auto r = request_for({"type=image,name=a:1,store=containerd"});
    auto f = facts_for(r);
    f.plugins.load_errors["store/containerd"] = "no store plugin named \"containerd\"";
    try {
        plan_export(r, f);
        FAIL("planned");
    } catch (const usage_error&) {
        FAIL("a missing plugin is not a usage error");
    } catch (const error& e) {
        CHECK(std::string(e.what()) == "no store plugin named \"containerd\"");
    }
}

TEST_CASE("plan: a compressor that refused to start at the asked level fails the plan", "[plan]")
{
    auto r = request_for({"type=image,name=a:1,compression=gzip,compression-level=1"});
    auto f = facts_for(r);
    f.plugins.compressors["gzip"].start_failures[1] = "gzip compressor could not start: a plugin setting";
    CHECK_THROWS_WITH(plan_export(r, f), "gzip compressor could not start: a plugin setting");

    // Another level, the default one included, still plans.
    r = request_for({"type=image,name=a:1,compression=gzip"});
    CHECK_NOTHROW(plan_export(r, f));
}

TEST_CASE("plan: unpack needs a store and a name", "[plan]")
{
    auto refused = [](std::string output) {
        auto r = request_for({std::move(output)});
        return usage_message(r, facts_for(r));
    };
    CHECK(refused("type=image,name=a:1,unpack=true,store=false") ==
          "invalid --output: unpack=true needs the image in a store, but store=false keeps it out; drop one of them");
    CHECK(refused("type=image,unpack=true") ==
          "invalid --output: unpack=true unpacks a named image; add name=... (or dangling-name-prefix=...)");

    auto r = request_for({"type=image,dangling-name-prefix=d,unpack=true"});
    auto plan = plan_export(r, facts_for(r));
    CHECK(plan.outputs[0].unpack);
    CHECK(plan.outputs[0].names_in_store);
}

TEST_CASE("plan: platforms, bases and per-platform layers", "[plan]")
{
    auto r = request_for({"type=image,name=a:1"}, 2);
    r.platforms = {platform::parse("linux/amd64"), platform::parse("linux/arm64")};
    r.layers[1].only = platform::parse("linux/arm64");
    auto plan = plan_export(r, facts_for(r));
    REQUIRE(plan.platforms.size() == 2);
    CHECK(plan.platforms[0].layers == std::vector<std::size_t>{0});
    CHECK(plan.platforms[1].layers == std::vector<std::size_t>{0, 1});
    CHECK(plan.root_is_index);
    CHECK_FALSE(plan.attestations);

    r.layers[1].only = platform::parse("linux/s390x");
    CHECK(usage_message(r, facts_for(r)) == "--layer linux/s390x=layer1 names a platform that is not built");

    // A base for another platform than the one asked for.
    r = request_for({"type=image,name=a:1"});
    r.platforms = {platform::parse("linux/arm64")};
    r.from = "reg.example/base:1";
    auto f = facts_for(r, base_with({layer_blob(oci_gzip, 'a')}, "reg.example"));
    f.bases[0]->platform = platform::parse("linux/amd64");
    CHECK_THROWS_WITH(plan_export(r, f), "--from reg.example/base:1 is an image for linux/amd64, not linux/arm64");
}

TEST_CASE("plan: the base's platform and the one asked for are compared normalised", "[plan][platform]")
{
    // Official arm64 images say variant v8 in their config; --platform linux/arm64 is that platform.
    auto r = request_for({"type=image,name=a:1"});
    r.platforms = {platform::parse("linux/arm64")};
    r.from = "oci-layout://base-v8:1";
    auto f = facts_for(r, base_with({layer_blob(oci_gzip, 'a')}));
    f.bases[0]->platform = platform{"linux", "arm64", "v8"};
    auto plan = plan_export(r, f);
    REQUIRE(plan.platforms.size() == 1);
    CHECK(plan.platforms[0].settings.platform.str() == "linux/arm64");

    // An arm base whose config names no variant is arm/v7, as --platform linux/arm is.
    r.platforms = {platform::parse("linux/arm")};
    f.bases[0]->platform = platform{"linux", "arm", ""};
    plan = plan_export(r, f);
    CHECK(plan.platforms[0].settings.platform.str() == "linux/arm/v7");

    // Without --platform the base's platform is the image's, normalised.
    r.platforms.clear();
    f.bases[0]->platform = platform{"linux", "aarch64", "v8"};
    plan = plan_export(r, f);
    CHECK(plan.platforms[0].settings.platform.str() == "linux/arm64");

    r.platforms = {platform::parse("linux/arm/v6")};
    f.bases[0]->platform = platform{"linux", "arm", "7"};
    CHECK_THROWS_WITH(plan_export(r, f),
                      "--from oci-layout://base-v8:1 is an image for linux/arm/v7, not linux/arm/v6");
}

TEST_CASE("plan: a base for another variant is refused as picking from an index passes it over", "[plan][platform]")
{
    auto r = request_for({"type=image,name=a:1"});
    r.from = "oci-layout://base:1";
    auto f = facts_for(r, base_with({layer_blob(oci_gzip, 'a')}));
    r.platforms = {platform::parse("linux/amd64")};
    f.bases[0]->platform = platform{"linux", "amd64", "v2"};
    CHECK_THROWS_WITH(plan_export(r, f), "--from oci-layout://base:1 is an image for linux/amd64/v2, not linux/amd64");
    r.platforms = {platform::parse("linux/amd64/v2")};
    f.bases[0]->platform = platform{"linux", "amd64", ""};
    CHECK_THROWS_WITH(plan_export(r, f), "--from oci-layout://base:1 is an image for linux/amd64, not linux/amd64/v2");
    f.bases[0]->platform = platform{"linux", "amd64", "v2"};
    CHECK(plan_export(r, f).platforms[0].settings.platform.str() == "linux/amd64/v2");
}

TEST_CASE("plan: a Windows base keeps its os.version; platform qualifiers without one still name it",
          "[plan][platform]")
{
    auto r = request_for({"type=image,name=a:1,oci-mediatypes=true,annotation-manifest[windows/amd64].k=v"}, 2);
    r.from = "oci-layout://base:1";
    r.platforms = {platform::parse("windows/amd64")};
    r.layers[1].only = platform::parse("windows/amd64");
    auto f = facts_for(r, base_with({layer_blob(oci_gzip, 'a')}));
    f.bases[0]->platform = platform{"windows", "amd64", "", "10.0.17763.5820", {"win32k"}};
    auto plan = plan_export(r, f);
    REQUIRE(plan.platforms.size() == 1);
    CHECK(plan.platforms[0].settings.platform.full_str() == "windows(10.0.17763.5820+win32k)/amd64");
    CHECK(plan.platforms[0].layers == std::vector<std::size_t>{0, 1});
    CHECK(annotations_for_manifest(r.outputs[0], plan.platforms[0].settings.platform, true).manifest ==
          annotation_map{{"k", "v"}});

    // A version asked for is one the base must be able to run under.
    r.platforms = {platform::parse("windows(10.0.17763)/amd64")};
    CHECK(plan_export(r, f).platforms[0].settings.platform.os_version == "10.0.17763.5820");
    r.platforms = {platform::parse("windows(10.0.20348)/amd64")};
    CHECK_THROWS_WITH(plan_export(r, f), "--from oci-layout://base:1 is an image for "
                                         "windows(10.0.17763.5820+win32k)/amd64, not windows(10.0.20348)/amd64");
}

TEST_CASE("plan: linux/arm is arm/v7 for annotations and per-platform layers", "[plan][platform]")
{
    auto r = request_for({"type=image,name=a:1,oci-mediatypes=true,annotation[linux/arm/v7].k=v"}, 2);
    r.platforms = {platform::parse("linux/arm")};
    r.layers[1].only = platform{"linux", "armhf", ""};
    auto plan = plan_export(r, facts_for(r));
    REQUIRE(plan.platforms.size() == 1);
    CHECK(plan.platforms[0].settings.platform.str() == "linux/arm/v7");
    CHECK(plan.platforms[0].layers == std::vector<std::size_t>{0, 1});

    r = request_for({"type=image,name=a:1,oci-mediatypes=true,annotation-manifest[linux/arm/v7].k=v"});
    r.platforms = {platform::parse("linux/amd64"), platform::parse("linux/arm")};
    plan = plan_export(r, facts_for(r));
    const auto& spec = r.outputs[0];
    CHECK(annotations_for_manifest(spec, plan.platforms[1].settings.platform, true).manifest ==
          annotation_map{{"k", "v"}});
    CHECK(annotations_for_manifest(spec, platform{"linux", "arm", ""}, true).manifest == annotation_map{{"k", "v"}});
    CHECK(annotations_for_manifest(spec, plan.platforms[0].settings.platform, true).manifest.empty());
}

TEST_CASE("plan: outputs asking for the same layers share one build of them", "[plan]")
{
    auto r = request_for({"type=image,name=a:1", "type=image,name=b:1,oci-mediatypes=true",
                          "type=image,name=c:1,compression=zstd", "type=image,name=d:1,compression-level=6",
                          "type=image,name=e:1,compression-level=9", "type=image,name=f:1,store=false"},
                         2);
    auto plan = plan_export(r, facts_for(r));
    // gzip at its default level 6 (a, b, d, f), gzip 9 (e), zstd 3 (c), ordered by key.
    REQUIRE(plan.variants.size() == 3);
    CHECK(plan.variants[0].compression == "gzip");
    CHECK(plan.variants[0].level == 6);
    CHECK(plan.variants[0].outputs == std::vector<std::size_t>{0, 1, 3, 5});
    CHECK(plan.variants[1].level == 9);
    CHECK(plan.variants[1].outputs == std::vector<std::size_t>{4});
    CHECK(plan.variants[2].compression == "zstd");
    CHECK(plan.variants[2].level == 3);
    CHECK(plan.outputs[2].variant == 2);
    CHECK(plan.outputs[4].variant == 1);
    CHECK(plan.outputs[5].destination == blob_destination::nowhere);
    CHECK(plan.outputs[0].destination == blob_destination::store);
}

TEST_CASE("plan: rewrite-timestamp clamps layers to the output's epoch", "[plan]")
{
    auto r = request_for({"type=image,name=a:1,rewrite-timestamp=true", "type=image,name=b:1",
                          "type=image,name=c:1,rewrite-timestamp=true,source-date-epoch=5"});
    r.source_date_epoch = 100;
    auto plan = plan_export(r, facts_for(r));
    REQUIRE(plan.variants.size() == 3);
    // Keys: gzip|6|-, gzip|6|100, gzip|6|5.
    CHECK_FALSE(plan.variants[0].clamp);
    CHECK(plan.variants[1].clamp == 100);
    CHECK(plan.variants[2].clamp == 5);
    CHECK(plan.outputs[1].epoch == 100);  // no rewrite, but the config's time is still clamped
    CHECK(plan.outputs[2].epoch == 5);
    CHECK_FALSE(plan.rewrite_without_epoch);

    r.source_date_epoch.reset();
    plan = plan_export(r, facts_for(r));
    CHECK(plan.rewrite_without_epoch);
    CHECK_FALSE(plan.variants[0].clamp);
}

TEST_CASE("plan: base layers keep their bytes unless force-compression changes their compression", "[plan]")
{
    const auto toc = annotation_map{{stargz_toc, "sha256:" + std::string(64, 'e')}};
    auto base = base_with({layer_blob(oci_gzip, 'a'), layer_blob(oci_zstd, 'b'), layer_blob(oci_gzip, 'c', toc)});

    SECTION("without force-compression every base layer is kept")
    {
        auto r = request_for({"type=image,name=a:1,compression=zstd,oci-mediatypes=true"});
        auto plan = plan_export(r, facts_for(r, base));
        CHECK(plan.conversions.empty());
        CHECK(plan.outputs[0].base_layers ==
              std::vector<std::vector<std::optional<std::size_t>>>{{std::nullopt, std::nullopt, std::nullopt}});
    }
    SECTION("forced to zstd: the gzip and estargz layers are converted, the zstd one kept")
    {
        auto r = request_for({"type=image,name=a:1,compression=zstd,force-compression=true,oci-mediatypes=true"});
        auto plan = plan_export(r, facts_for(r, base));
        REQUIRE(plan.conversions.size() == 2);
        CHECK(plan.conversions[0].source.digest == digest_of('a'));
        CHECK(plan.conversions[0].diff_id == digest_of('0'));
        CHECK(plan.conversions[0].compression == "zstd");
        CHECK(plan.conversions[0].level == 3);
        CHECK(plan.conversions[1].source.digest == digest_of('c'));
        CHECK(plan.conversions[1].diff_id == digest_of('2'));
        CHECK(plan.outputs[0].base_layers[0] == std::vector<std::optional<std::size_t>>{0, std::nullopt, 1});
    }
    SECTION("forced to gzip: estargz is told apart from gzip by its TOC annotation")
    {
        auto r = request_for({"type=image,name=a:1,force-compression=true,oci-mediatypes=true"});
        auto plan = plan_export(r, facts_for(r, base));
        REQUIRE(plan.conversions.size() == 2);
        CHECK(plan.conversions[0].source.digest == digest_of('b'));
        CHECK(plan.conversions[1].source.digest == digest_of('c'));
        CHECK(plan.outputs[0].base_layers[0] == std::vector<std::optional<std::size_t>>{std::nullopt, 0, 1});
    }
    SECTION("forced to estargz: plain gzip is converted, estargz kept")
    {
        auto r = request_for({"type=image,name=a:1,compression=estargz,force-compression=true,oci-mediatypes=true"});
        auto plan = plan_export(r, facts_for(r, base));
        CHECK(plan.outputs[0].base_layers[0] == std::vector<std::optional<std::size_t>>{0, 1, std::nullopt});
    }
    SECTION("a level alone never converts: the kind of compression is what counts")
    {
        auto r = request_for({"type=image,name=a:1,compression-level=9,force-compression=true,oci-mediatypes=true"});
        auto only_gzip = base_with({layer_blob(oci_gzip, 'a'), layer_blob(docker_gzip, 'd')});
        auto plan = plan_export(r, facts_for(r, only_gzip));
        CHECK(plan.conversions.empty());
    }
    SECTION("outputs forcing the same compression share one conversion, each with its destination")
    {
        auto r = request_for({"type=image,name=a:1,compression=zstd,force-compression=true,oci-mediatypes=true",
                              "type=registry,name=r.example/a:1,compression=zstd,force-compression=true,"
                              "oci-mediatypes=true",
                              "type=image,name=c:1,compression=zstd,oci-mediatypes=true"});
        auto plan = plan_export(r, facts_for(r, base));
        REQUIRE(plan.conversions.size() == 2);
        CHECK(plan.conversions[0].outputs == std::vector<std::size_t>{0, 1});
        CHECK(plan.outputs[2].base_layers[0] ==
              std::vector<std::optional<std::size_t>>{std::nullopt, std::nullopt, std::nullopt});
    }
    SECTION("outputs forcing one compression at two levels convert each at its level, the default one included")
    {
        auto r = request_for({"type=image,name=a:1,compression=zstd,compression-level=19,force-compression=true,"
                              "oci-mediatypes=true",
                              "type=image,name=b:1,compression=zstd,force-compression=true,oci-mediatypes=true",
                              "type=image,name=c:1,compression=zstd,compression-level=3,force-compression=true,"
                              "oci-mediatypes=true"});
        auto plan = plan_export(r, facts_for(r, base));
        REQUIRE(plan.conversions.size() == 4);
        for (std::size_t o = 0; o < 3; ++o) {
            INFO("output " << o);
            const int level = o == 0 ? 19 : 3;
            for (const std::size_t k : std::vector<std::size_t>{0, 2}) {
                REQUIRE(plan.outputs[o].base_layers[0][k]);
                const auto& c = plan.conversions[*plan.outputs[o].base_layers[0][k]];
                CHECK(c.source.digest == base.layers[k].digest);
                CHECK(c.level == level);
            }
        }
        CHECK(plan.outputs[1].base_layers == plan.outputs[2].base_layers);
    }
    SECTION("a base layer of a media type no format knows cannot be converted")
    {
        auto odd = base_with({layer_blob("application/x-odd", 'a')});
        auto r = request_for({"type=image,name=a:1,compression=zstd,force-compression=true"});
        CHECK_THROWS_WITH(plan_export(r, facts_for(r, odd)),
                          "base image layer " + digest_of('a').str() + " has an unknown media type application/x-odd");
    }
    SECTION("a base whose config lists fewer diffIDs than layers cannot be converted")
    {
        auto short_base = base;
        short_base.diff_ids.pop_back();
        auto r = request_for({"type=image,name=a:1,compression=zstd,force-compression=true"});
        CHECK_THROWS_WITH(plan_export(r, facts_for(r, short_base)),
                          "base image oci-layout:///b:1 lists fewer diffIDs than layers");
    }
}

TEST_CASE("plan: final names follow BuildKit's naming rules", "[plan]")
{
    auto names = [](std::string output) {
        auto r = request_for({std::move(output)});
        return names_of(plan_export(r, facts_for(r)).outputs[0], '9');
    };
    const auto at_root = "@" + digest_of('9').str();
    CHECK(names("type=image,\"name=a:1,b:2\"") == std::vector<std::string>{"a:1", "b:2"});
    CHECK(names("type=image,\"name=a:1,b" + at_root + "\",name-canonical=true") ==
          std::vector<std::string>{"a:1", "b" + at_root, "a:1" + at_root});
    // A name's own digest must be the image's.
    CHECK_THROWS_WITH(names("type=image,name=b@" + digest_of('8').str()),
                      Catch::Contains("names " + digest_of('8').str() + ", but the image exported is " +
                                      digest_of('9').str()));
    CHECK(names("type=image,name=a:1,dangling-name-prefix=dang") == std::vector<std::string>{"a:1", "dang" + at_root});
    CHECK(names("type=image,name=a:1,dangling-name-prefix=dang,danging-name-empty-only=true") ==
          std::vector<std::string>{"a:1"});
    CHECK(names("type=image,dangling-name-prefix=dang,danging-name-empty-only=true") ==
          std::vector<std::string>{"dang" + at_root});
    CHECK(names("type=image").empty());

    auto r = request_for({"type=image", "type=image,name=a:1", "type=image,name=a:1,store=false"});
    auto plan = plan_export(r, facts_for(r));
    CHECK_FALSE(plan.outputs[0].names_in_store);
    CHECK(plan.outputs[1].names_in_store);
    CHECK_FALSE(plan.outputs[2].names_in_store);
}

TEST_CASE("plan: pushes, push-by-digest and the base layers they mount", "[plan]")
{
    SECTION("one push per final name; push-by-digest keeps the name untagged")
    {
        auto r = request_for({"type=registry,name=r.example/app,push-by-digest=true,dangling-name-prefix=r.example/d",
                              "type=image,name=a:1"});
        auto plan = plan_export(r, facts_for(r));
        REQUIRE(plan.outputs[0].pushes.size() == 2);
        CHECK(plan.outputs[0].pushes[0].name == 0);
        CHECK(plan.outputs[0].pushes[1].name == 1);
        CHECK(plan.request.outputs[0].push_by_digest);
        CHECK(names_of(plan.outputs[0], '9') ==
              std::vector<std::string>{"r.example/app", "r.example/d@" + digest_of('9').str()});
        CHECK(plan.outputs[1].pushes.empty());
    }
    SECTION("a push with only a dangling-name-prefix pushes the dangling name")
    {
        auto r = request_for({"type=registry,dangling-name-prefix=r.example/d"});
        auto plan = plan_export(r, facts_for(r));
        CHECK(plan.outputs[0].pushes.size() == 1);
    }
    SECTION("store=false,push=true spools its blobs; store=false alone writes nowhere")
    {
        auto r = request_for({"type=registry,name=r.example/a:1,store=false", "type=image,name=a:1,store=false"});
        auto plan = plan_export(r, facts_for(r));
        CHECK(plan.outputs[0].destination == blob_destination::spool);
        CHECK(plan.outputs[1].destination == blob_destination::nowhere);
    }
    SECTION("a push to the base's registry mounts the kept base layers and copies none")
    {
        auto base = base_with({layer_blob(oci_gzip, 'a'), layer_blob(oci_zstd, 'b')}, "r.example");
        auto r = request_for({"type=registry,name=r.example/app:1,store=false,compression=zstd,force-compression=true,"
                              "oci-mediatypes=true",
                              "type=registry,name=other.example/app:1,store=false"});
        auto plan = plan_export(r, facts_for(r, base));
        const auto& same = plan.outputs[0];
        REQUIRE(same.pushes.size() == 1);
        CHECK(same.pushes[0].mount_from_repository == "base");
        CHECK(same.pushes[0].mountable == std::vector<digest>{digest_of('b')});  // 'a' is converted
        CHECK(same.pushes[0].fetches_base_of == std::size_t{0});
        CHECK(same.pushes[0].reads_bases_of.empty());
        CHECK(same.copies_base_layers == std::vector<bool>{false});

        const auto& other = plan.outputs[1];
        CHECK(other.pushes[0].mount_from_repository.empty());
        CHECK(other.pushes[0].mountable.empty());
        CHECK_FALSE(other.pushes[0].fetches_base_of);
        CHECK(other.copies_base_layers == std::vector<bool>{true});  // spooled for the upload
    }
    SECTION("an output that only pushes reads a local base where it lies")
    {
        auto base = base_with({layer_blob(oci_gzip, 'a')}, "", true);
        auto r = request_for({"type=registry,name=r.example/app:1,store=false", "type=image,name=a:1,push=true"});
        auto plan = plan_export(r, facts_for(r, base));
        CHECK(plan.outputs[0].pushes[0].reads_bases_of == std::vector<std::size_t>{0});
        CHECK(plan.outputs[0].copies_base_layers == std::vector<bool>{false});
        // An output with a store holds every layer of its image.
        CHECK(plan.outputs[1].pushes[0].reads_bases_of.empty());
        CHECK(plan.outputs[1].copies_base_layers == std::vector<bool>{true});
    }
    SECTION("an output that only pushes reads the local base of every platform")
    {
        auto base = base_with({layer_blob(oci_gzip, 'a')}, "", true);
        auto r = request_for({"type=registry,name=r.example/app:1,store=false"});
        r.platforms = {platform::parse("linux/amd64"), platform::parse("linux/arm64")};
        auto plan = plan_export(r, facts_for(r, base));
        CHECK(plan.outputs[0].pushes[0].reads_bases_of == std::vector<std::size_t>{0, 1});
    }
}
