// `lading imagetools create` against real registries (Debian's docker-registry 2.8): the CI
// sharding recipe (platforms pushed by digest from separate processes, merged from their
// metadata files), sources in other repositories and registries, --append, Docker lists,
// annotations, attestations, --dry-run, and a missing image. skopeo reads every result back.
#include <catch2/catch.hpp>

#include "attestation_support.hpp"
#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/http_client.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <algorithm>
#include <set>

using namespace lading::test;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr const char* docker_list_media_type = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char* docker_manifest_media_type = "application/vnd.docker.distribution.manifest.v2+json";

// One shard of the recipe: `platform` pushed by digest to `repository`, as its own process.
export_request shard(const fs::path& work, const std::string& repository, const std::string& platform,
                     const std::string& extra_output_params = "")
{
    auto name = platform;
    for (auto& c : name)
        if (c == '/') c = '-';
    auto req = small_tree_export(work, "type=image,push=true,push-by-digest=true,name-canonical=true,name=" + repository +
                                           extra_output_params,
                                 "small");
    req.platform = platform;
    req.store = work / ("store-" + name + (extra_output_params.empty() ? "" : "-docker"));
    req.metadata_file = work / (name + (extra_output_params.empty() ? "" : "-docker") + ".json");
    return req;
}

process_result imagetools(std::vector<std::string> args)
{
    args.insert(args.begin(), "imagetools");
    return lading_cmd().run(args, {}, std::chrono::minutes(2));
}

std::string raw_manifest(const std::string& ref)
{
    auto r = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    return r.out;
}

std::string media_type_of(const boost::json::value& doc) { return json_string(doc, "mediaType"); }

std::vector<std::string> tags_of(const registry_server& registry, const std::string& repository)
{
    auto r = http_fetch(http::verb::get, registry.base_url() + "/v2/" + repository + "/tags/list");
    if (r.result_int() == 404) return {};
    REQUIRE(r.result_int() == 200);
    std::vector<std::string> tags;
    auto doc = parse_json(r.body(), "tags list");
    if (auto* t = doc.as_object().if_contains("tags"); t && t->is_array())
        for (const auto& v : t->as_array()) tags.emplace_back(v.as_string());
    return tags;
}

std::string catalog(const registry_server& registry)
{
    auto r = http_fetch(http::verb::get, registry.base_url() + "/v2/_catalog");
    REQUIRE(r.result_int() == 200);
    return r.body();
}

// `skopeo copy --all` of ref into a fresh OCI layout; every blob the index reaches must be
// there and hash to its name.
void check_copy_all(const fs::path& work, const std::string& ref, std::size_t expected_children)
{
    const auto dir = work / ("copy-" + std::to_string(std::hash<std::string>{}(ref)));
    auto r = run_process({"skopeo", "copy", "--all", "--src-tls-verify=false", "docker://" + ref, "oci:" + dir.string() + ":x"});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    auto read = [&](const std::string& digest) {
        auto path = dir / "blobs" / "sha256" / digest.substr(7);
        REQUIRE(fs::exists(path));
        auto bytes = read_text_file(path);
        CHECK("sha256:" + sha256_hex(bytes) == digest);
        return bytes;
    };
    auto layout_index = parse_json(read_text_file(dir / "index.json"), "copied index.json");
    auto index = parse_json(read(json_string(layout_index.at("manifests").at(0), "digest")), "copied index");
    const auto& children = index.at("manifests").as_array();
    CHECK(children.size() == expected_children);
    for (const auto& child : children) {
        auto manifest = parse_json(read(json_string(child, "digest")), "copied manifest");
        read(json_string(manifest.at("config"), "digest"));
        for (const auto& layer : manifest.at("layers").as_array()) read(json_string(layer, "digest"));
    }
}

std::set<std::string> child_digests(const boost::json::value& index)
{
    std::set<std::string> out;
    for (const auto& c : index.at("manifests").as_array()) out.insert(json_string(c, "digest"));
    return out;
}

}  // namespace

TEST_CASE("imagetools create merges shards pushed by digest from their metadata files", "[registry][imagetools]")
{
    temp_dir work;
    registry_server registry;
    const auto repo = registry.address() + "/team/app";

    // Two runners, two processes, at the same time.
    auto amd = shard(work.path(), repo, "linux/amd64");
    auto arm = shard(work.path(), repo, "linux/arm64");
    auto p1 = lading_cmd().start(export_argv(amd), amd.env);
    auto p2 = lading_cmd().start(export_argv(arm), arm.env);
    require_success(p1.wait());
    require_success(p2.wait());
    const auto amd_meta = read_export_metadata(amd.metadata_file);
    const auto arm_meta = read_export_metadata(arm.metadata_file);
    CHECK(tags_of(registry, "team/app").empty());  // pushed by digest: no tag yet

    const auto meta_out = work / "index-meta.json";
    auto created = imagetools({"create", "-t", repo + ":v1", "--from-metadata", amd.metadata_file.string(),
                               "--from-metadata", arm.metadata_file.string(), "--metadata-file", meta_out.string()});
    INFO(created.describe());
    REQUIRE(created.succeeded());

    const auto raw = raw_manifest(repo + ":v1");
    const auto index = parse_json(raw, "merged index");
    INFO(raw);
    CHECK(media_type_of(index) == oci_index_media_type);
    const auto& children = index.at("manifests").as_array();
    REQUIRE(children.size() == 2);
    CHECK(json_string(children[0], "digest") == amd_meta.digest);
    CHECK(json_string(children[0].at("platform"), "architecture") == "amd64");
    CHECK(json_string(children[0].at("platform"), "os") == "linux");
    CHECK(json_string(children[1], "digest") == arm_meta.digest);
    CHECK(json_string(children[1].at("platform"), "architecture") == "arm64");
    for (const auto& c : children) CHECK(media_type_of(c) == oci_manifest_media_type);
    const auto index_digest = "sha256:" + sha256_hex(raw);
    CHECK(created.out == index_digest + "\n");
    const auto written = read_export_metadata(meta_out);
    CHECK(written.digest == index_digest);
    CHECK(written.image_name == repo + ":v1");
    CHECK(json_string(written.descriptor, "mediaType") == oci_index_media_type);
    check_copy_all(work.path(), repo + ":v1", 2);

    SECTION("a source in another repository of the registry is mounted")
    {
        auto r = imagetools({"create", "--progress", "plain", "-t", registry.address() + "/other/app:v1", repo + ":v1"});
        INFO(r.describe());
        REQUIRE(r.succeeded());
        CHECK_THAT(r.err, Catch::Contains("mounted"));
        CHECK_THAT(r.err, Catch::Contains("push: 0 blobs uploaded (0 bytes)"));
        CHECK_THAT(r.err, Catch::Contains(": mounted"));
        CHECK(skopeo_raw_digest(registry.address() + "/other/app:v1", {"--tls-verify=false"}) == index_digest);
        check_copy_all(work.path(), registry.address() + "/other/app:v1", 2);
    }

    SECTION("a source in another registry is copied, to several tags in several registries")
    {
        registry_server far;
        auto r = imagetools({"create", "-t", far.address() + "/mirror/app:v1", "-t", far.address() + "/mirror/app:latest",
                             "-t", registry.address() + "/third/app:v1", repo + ":v1"});
        INFO(r.describe());
        REQUIRE(r.succeeded());
        for (const auto& ref : {far.address() + "/mirror/app:v1", far.address() + "/mirror/app:latest",
                                registry.address() + "/third/app:v1"})
            CHECK(skopeo_raw_digest(ref, {"--tls-verify=false"}) == index_digest);
        for (const auto& c : children) CHECK(far.has_blob(json_string(c, "digest")));
        check_copy_all(work.path(), far.address() + "/mirror/app:v1", 2);
    }

    SECTION("--append adds to the index at the first tag, keeping its images first")
    {
        auto arm7 = shard(work.path(), repo, "linux/arm/v7");
        const auto arm7_meta = export_ok(arm7);
        auto r = imagetools({"create", "--append", "-t", repo + ":v1", "--from-metadata", arm7.metadata_file.string(),
                             "--annotation", "index:org.opencontainers.image.version=1.2"});
        INFO(r.describe());
        REQUIRE(r.succeeded());
        const auto appended = parse_json(raw_manifest(repo + ":v1"), "appended index");
        const auto& all = appended.at("manifests").as_array();
        REQUIRE(all.size() == 3);
        CHECK(json_string(all[0], "digest") == amd_meta.digest);
        CHECK(json_string(all[1], "digest") == arm_meta.digest);
        CHECK(json_string(all[2], "digest") == arm7_meta.digest);
        CHECK(json_string(all[2].at("platform"), "variant") == "v7");
        CHECK(json_string(appended.at("annotations"), "org.opencontainers.image.version") == "1.2");

        auto missing = imagetools({"create", "--append", "-t", repo + ":nothing-here", repo + "@" + amd_meta.digest});
        CHECK(missing.exit_code == 1);
        CHECK_THAT(missing.err, Catch::Contains("nothing-here"));
    }

    SECTION("annotations land on the OCI index and the descriptors of the platform named")
    {
        auto r = imagetools({"create", "-t", repo + ":annotated", repo + ":v1", "--annotation",
                             "index:org.opencontainers.image.source=https://example.invalid/app", "--annotation",
                             "manifest-descriptor[linux/arm64]:com.example.note=arm"});
        INFO(r.describe());
        REQUIRE(r.succeeded());
        const auto annotated = parse_json(raw_manifest(repo + ":annotated"), "annotated index");
        CHECK(json_string(annotated.at("annotations"), "org.opencontainers.image.source") == "https://example.invalid/app");
        const auto& m = annotated.at("manifests").as_array();
        CHECK_FALSE(m[0].as_object().contains("annotations"));
        CHECK(json_string(m[1].at("annotations"), "com.example.note") == "arm");

        auto bad = imagetools({"create", "-t", repo + ":bad", repo + ":v1", "--annotation", "manifest:k=v"});
        CHECK(bad.exit_code == 2);
        CHECK(split_lines(bad.err).size() == 1);
    }

    SECTION("--dry-run prints the index and writes nothing")
    {
        const auto before = catalog(registry);
        auto r = imagetools({"create", "--dry-run", "-t", registry.address() + "/dry/app:v1", repo + ":v1"});
        INFO(r.describe());
        REQUIRE(r.succeeded());
        CHECK("sha256:" + sha256_hex(r.out.substr(0, r.out.size() - 1)) == index_digest);
        CHECK(catalog(registry) == before);
        CHECK(tags_of(registry, "dry/app").empty());
    }

    SECTION("an image missing from the registry stops the merge before any tag is written")
    {
        // The arm64 manifest is deleted from the repository the new tag is in.
        auto del = http_fetch(http::verb::delete_, registry.base_url() + "/v2/team/app/manifests/" + arm_meta.digest);
        REQUIRE(del.result_int() == 202);
        auto r = imagetools({"create", "-t", repo + ":v2", "-t", registry.address() + "/elsewhere/app:v2",
                             repo + "@" + index_digest});
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(split_lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains(arm_meta.digest));
        const auto tags = tags_of(registry, "team/app");
        CHECK(std::find(tags.begin(), tags.end(), "v2") == tags.end());
        CHECK(tags_of(registry, "elsewhere/app").empty());
    }
}

TEST_CASE("imagetools create writes a Docker list only for Docker-typed images", "[registry][imagetools]")
{
    temp_dir work;
    registry_server registry;
    const auto repo = registry.address() + "/team/typed";
    const auto docker_amd = export_ok(shard(work.path(), repo, "linux/amd64", ",oci-mediatypes=false"));
    const auto docker_arm = export_ok(shard(work.path(), repo, "linux/arm64", ",oci-mediatypes=false"));
    const auto oci_arm = export_ok(shard(work.path(), repo, "linux/arm64"));

    auto docker = imagetools({"create", "-t", repo + ":docker", repo + "@" + docker_amd.digest, repo + "@" + docker_arm.digest});
    INFO(docker.describe());
    REQUIRE(docker.succeeded());
    const auto list = parse_json(raw_manifest(repo + ":docker"), "docker list");
    CHECK(media_type_of(list) == docker_list_media_type);
    for (const auto& c : list.at("manifests").as_array()) CHECK(media_type_of(c) == docker_manifest_media_type);
    check_copy_all(work.path(), repo + ":docker", 2);

    auto mixed = imagetools({"create", "-t", repo + ":mixed", repo + "@" + docker_amd.digest, repo + "@" + oci_arm.digest});
    INFO(mixed.describe());
    REQUIRE(mixed.succeeded());
    const auto index = parse_json(raw_manifest(repo + ":mixed"), "mixed index");
    CHECK(media_type_of(index) == oci_index_media_type);
    CHECK(media_type_of(index.at("manifests").at(0)) == docker_manifest_media_type);
    CHECK(media_type_of(index.at("manifests").at(1)) == oci_manifest_media_type);

    // A Docker list has nowhere to put an annotation: an error, and nothing is written.
    const auto before = catalog(registry);
    auto annotated = imagetools({"create", "-t", registry.address() + "/annotated/typed:v1", "--annotation", "index:k=v",
                                 repo + "@" + docker_amd.digest, repo + "@" + docker_arm.digest});
    CHECK(annotated.exit_code == 2);
    CHECK(split_lines(annotated.err).size() == 1);
    CHECK_THAT(annotated.err, Catch::Contains("Docker manifest list"));
    CHECK(catalog(registry) == before);
}

TEST_CASE("imagetools create carries attestation manifests with their images", "[registry][imagetools][attest]")
{
    temp_dir work;
    registry_server registry;
    const auto repo = registry.address() + "/team/attested";
    auto amd = shard(work.path(), repo, "linux/amd64");
    auto arm = shard(work.path(), repo, "linux/arm64");
    amd.extra_args = arm.extra_args = {"--attest", "type=provenance"};
    const auto amd_meta = export_ok(amd);
    const auto arm_meta = export_ok(arm);

    const auto target = registry.address() + "/release/attested:v1";
    auto r = imagetools({"create", "-t", target, "--from-metadata", amd.metadata_file.string(), "--from-metadata",
                         arm.metadata_file.string()});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    const auto index = parse_json(raw_manifest(target), "merged attested index");
    INFO(boost::json::serialize(index));
    const auto platforms = platform_entries(index);
    const auto attestations = attestation_entries(index);
    REQUIRE(platforms.size() == 2);
    REQUIRE(attestations.size() == 2);
    std::set<std::string> platform_digests;
    for (const auto& p : platforms) platform_digests.insert(json_string(p, "digest"));
    for (const auto& a : attestations)
        CHECK(platform_digests.count(json_string(a.at("annotations"), "vnd.docker.reference.digest")) == 1);
    // Each source index's children are the merged index's children.
    auto children = child_digests(index);
    for (const auto& source : {amd_meta.digest, arm_meta.digest})
        for (const auto& d : child_digests(parse_json(raw_manifest(repo + "@" + source), "source index")))
            CHECK(children.count(d) == 1);
    // skopeo copies every image, attestation manifests included.
    auto copy = run_process({"skopeo", "copy", "--all", "--src-tls-verify=false", "docker://" + target,
                             "oci:" + (work / "attested-copy").string() + ":x"});
    INFO(copy.describe());
    CHECK(copy.succeeded());
    for (const auto& d : children) CHECK(fs::exists(work / "attested-copy" / "blobs" / "sha256" / d.substr(7)));
}

TEST_CASE("imagetools create reads from and writes to the local store, and reads OCI layouts", "[registry][imagetools]")
{
    temp_dir work;
    registry_server registry;
    auto local = small_tree_export(work.path(), "type=image,name=app:amd64");
    export_ok(local);
    auto arm = small_tree_export(work.path(), "type=image,name=app:arm64", "arm");
    arm.platform = "linux/arm64";
    arm.metadata_file = work / "arm-meta.json";
    export_ok(arm);

    const auto target = registry.address() + "/team/local:v1";
    auto r = imagetools({"create", "--store", local.store.string(), "-t", target, "app:amd64",
                         "oci-layout://" + local.store.string() + ":app:arm64"});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    const auto index = parse_json(raw_manifest(target), "index from the store");
    REQUIRE(index.at("manifests").as_array().size() == 2);
    CHECK(json_string(index.at("manifests").at(1).at("platform"), "architecture") == "arm64");
    check_copy_all(work.path(), target, 2);

    SECTION("a -t store://NAME names the index in the local store")
    {
        auto named = imagetools({"create", "--store", local.store.string(), "-t", "store://app:multi", "app:amd64", "app:arm64"});
        INFO(named.describe());
        REQUIRE(named.succeeded());
        const auto listed = find_listed(list_images(local.store), "app:multi");
        REQUIRE(listed);
        CHECK(named.out == listed->digest + "\n");
        auto raw = run_process({"skopeo", "inspect", "--raw", "oci:" + local.store.string() + ":app:multi"});
        INFO(raw.describe());
        REQUIRE(raw.succeeded());
        CHECK("sha256:" + sha256_hex(raw.out) == listed->digest);
        CHECK(parse_json(raw.out, "stored index").at("manifests").as_array().size() == 2);

        // From a registry into a store that holds none of it yet: the index, two manifests,
        // two configs and the two trees' layers.
        const auto fresh = work / "fresh-store";
        auto copied = imagetools({"create", "--store", fresh.string(), "-t", "store://team/copied:1", target});
        INFO(copied.describe());
        REQUIRE(copied.succeeded());
        REQUIRE(find_listed(list_images(fresh), "team/copied:1"));
        auto check = lading_cmd().run({"store", "check", "--store", fresh.string()});
        INFO(check.describe());
        CHECK(check.succeeded());
        CHECK_THAT(check.out, Catch::Contains("1 names, 7 blobs, 0 faults"));
    }

    auto unknown = imagetools({"create", "--store", local.store.string(), "-t", target, "oci-layout://" +
                               (work / "nowhere").string() + ":x"});
    CHECK(unknown.exit_code == 1);
    CHECK(split_lines(unknown.err).size() == 1);
}

TEST_CASE("imagetools create --from-metadata takes an image its export only stored from the store",
          "[registry][imagetools]")
{
    temp_dir work;
    registry_server registry;
    const auto stored_name = registry.address() + "/team/app:amd64";
    auto amd = small_tree_export(work.path(), "type=image,name=" + stored_name);
    amd.metadata_file = work / "amd-meta.json";
    const auto stored = export_ok(amd).digest;
    CHECK(parse_json(read_text_file(amd.metadata_file), "metadata").at("lading.pushed") == false);

    const auto target = registry.address() + "/team/stored:v1";
    auto r = imagetools({"create", "--store", amd.store.string(), "-t", target, "--from-metadata",
                         amd.metadata_file.string()});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    const auto index = parse_json(raw_manifest(target), "index from a stored export");
    REQUIRE(index.at("manifests").as_array().size() == 1);
    CHECK(json_string(index.at("manifests").at(0), "digest") == stored);
    check_copy_all(work.path(), target, 1);

    // A store that does not hold it, and a registry that does not either: one line naming the
    // image and both places; no tag written.
    const auto other_store = (work / "other-store").string();
    auto elsewhere = imagetools({"create", "--store", other_store, "-t", registry.address() + "/team/stored:v2",
                                 "--from-metadata", amd.metadata_file.string()});
    CHECK(elsewhere.exit_code == 1);
    REQUIRE(split_lines(elsewhere.err).size() == 1);
    CHECK_THAT(elsewhere.err, Catch::Contains(stored_name + "@" + stored) && Catch::Contains("not pushed") &&
                                  Catch::Contains("does not hold it") && Catch::Contains("nor does its registry"));
    auto tags = tags_of(registry, "team/stored");
    CHECK(std::find(tags.begin(), tags.end(), "v2") == tags.end());

    // Pushed since by another tool: the registry has it, the other store still does not.
    auto copied = run_process({"skopeo", "copy", "--dest-tls-verify=false", "oci:" + amd.store.string() + ":" + stored_name,
                               "docker://" + stored_name});
    INFO(copied.describe());
    REQUIRE(copied.succeeded());
    auto later = imagetools({"create", "--store", other_store, "-t", registry.address() + "/team/stored:v3",
                             "--from-metadata", amd.metadata_file.string()});
    INFO(later.describe());
    REQUIRE(later.succeeded());
    CHECK(child_digests(parse_json(raw_manifest(registry.address() + "/team/stored:v3"), "v3")) ==
          std::set<std::string>{stored});

    // One export with a stored output first and a pushing one after: the pushed one is taken.
    auto both = small_tree_export(work.path(), "type=image,name=" + registry.address() + "/team/both:local,store=false");
    both.outputs.push_back("type=registry,name=" + registry.address() + "/team/both:pushed,store=false");
    both.metadata_file = work / "both-meta.json";
    const auto both_digest = export_ok(both).digest;
    auto from_both = imagetools({"create", "--store", other_store, "-t", registry.address() + "/team/stored:v4",
                                 "--from-metadata", both.metadata_file.string()});
    INFO(from_both.describe());
    REQUIRE(from_both.succeeded());
    CHECK(child_digests(parse_json(raw_manifest(registry.address() + "/team/stored:v4"), "v4")) ==
          std::set<std::string>{both_digest});
}

TEST_CASE("a shard's manifest put that meets the registry's blob link race is tried again", "[registry][imagetools]")
{
    // distribution's filesystem storage rewrites a repository's blob link in place when a
    // second shard commits the same layer; a manifest put reading it meanwhile gets
    // DIGEST_INVALID. The proxy plays that answer once.
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    proxy.answer("PUT", "/manifests/", 1,
                 {400, {}, R"({"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]})"});
    auto req = shard(work.path(), proxy.address() + "/team/raced", "linux/amd64");
    const auto meta = export_ok(req);
    CHECK(proxy.pending_scripts() == 0);
    CHECK(skopeo_raw_digest(registry.address() + "/team/raced@" + meta.digest, {"--tls-verify=false"}) == meta.digest);

    // A 400 that is not the race fails at once.
    proxy.answer("PUT", "/manifests/", 5, {400, {}, R"({"errors":[{"code":"MANIFEST_INVALID","message":"bad"}]})"});
    auto again = run_export(shard(work.path(), proxy.address() + "/team/raced2", "linux/arm64"));
    CHECK(again.exit_code == 1);
    CHECK(proxy.pending_scripts() == 1);
}

// docs/ci-sharding.md as a CI system runs it: the same bake file on two runners, each with only
// its own platform's tree, narrowed by --set, then one merge job reading both metadata files.
TEST_CASE("the bake sharding recipe: two runners push by digest, imagetools merges their metadata", "[registry][imagetools][bake]")
{
    temp_dir work;
    registry_server registry;
    const auto repo = registry.address() + "/team/app";
    const std::string bake_file = R"({
  "variable": {"IMAGE": {"default": "registry.example.com/team/app"}},
  "target": {
    "app": {
      "platforms": ["linux/amd64", "linux/arm64"],
      "layers": ["linux/amd64=out/linux-amd64/rootfs", "linux/arm64=out/linux-arm64/rootfs"],
      "entrypoint": ["/usr/bin/app"],
      "output": ["type=image,push=true,push-by-digest=true,name-canonical=true,name=${IMAGE}"],
      "attest": ["type=provenance"]
    }
  }
})";
    auto runner = [&](const std::string& platform) {
        auto shard = platform;
        std::replace(shard.begin(), shard.end(), '/', '-');
        const auto dir = work.path() / ("runner-" + shard);
        make_small_tree(dir / "out" / shard / "rootfs", shard);
        write_bytes(dir / "lading-bake.json", bake_file);
        const auto meta = dir / ("meta-" + shard + ".json");
        auto env = lading_cli::hermetic_env();
        env["IMAGE"] = repo;
        auto p = lading_cmd().start({"bake", "-f", (dir / "lading-bake.json").string(), "app", "--set",
                                     "*.platforms=" + platform, "--metadata-file", meta.string(), "--store",
                                     (dir / "store").string(), "--progress", "plain"},
                                    env);
        return std::pair{std::move(p), meta};
    };
    auto [amd, amd_meta] = runner("linux/amd64");
    auto [arm, arm_meta] = runner("linux/arm64");
    require_success(amd.wait());
    require_success(arm.wait());
    CHECK(tags_of(registry, "team/app").empty());

    auto created = imagetools({"create", "-t", repo + ":v1", "--from-metadata", amd_meta.string(), "--from-metadata",
                               arm_meta.string()});
    INFO(created.describe());
    REQUIRE(created.succeeded());
    const auto raw = raw_manifest(repo + ":v1");
    INFO(raw);
    const auto index = parse_json(raw, "merged index");
    CHECK(created.out == "sha256:" + sha256_hex(raw) + "\n");
    std::set<std::string> platforms;
    std::size_t attestations = 0;
    for (const auto& c : index.at("manifests").as_array()) {
        const auto& p = c.at("platform");
        if (json_string(p, "os") == "unknown") {
            ++attestations;
            continue;
        }
        platforms.insert(json_string(p, "os") + "/" + json_string(p, "architecture"));
    }
    CHECK(platforms == std::set<std::string>{"linux/amd64", "linux/arm64"});
    CHECK(attestations == 2);  // one provenance manifest per shard travelled with its image
    check_copy_all(work.path(), repo + ":v1", 4);
}

TEST_CASE("imagetools create moves a blob that several images share once per target repository", "[registry][imagetools]")
{
    // Three images in one repository: amd64 and arm64 share a big layer; a second amd64 build,
    // told apart by an annotation, shares that layer, its small layer and its config with the
    // first. Merging them into a repository of another registry streams each blob once; into
    // another repository of the same registry, mounts each once.
    temp_dir work;
    registry_server near_registry, far_registry;
    fault_proxy near("127.0.0.1", near_registry.port());
    fault_proxy far("127.0.0.1", far_registry.port());
    const auto source_repo = near.address() + "/team/shared";
    constexpr std::uint64_t big_size = 8 << 20;
    fs::create_directories(work / "big");
    write_random_file(work / "big" / "assets.bin", big_size, 13);
    auto image = [&](const std::string& platform, const std::string& flavour, const std::string& name,
                     const std::string& extra_output) {
        const auto small = work / ("small-" + flavour);
        if (!fs::exists(small)) make_small_tree(small, flavour);
        export_request req{
            .layers = {work / "big", small},
            .outputs = {"type=image,push=true,push-by-digest=true,name-canonical=true,name=" + source_repo + extra_output},
            .store = work / ("store-" + name),
            .metadata_file = work / (name + ".json"),
            .env = {{"SOURCE_DATE_EPOCH", "1700000000"}},
            .platform = platform,
        };
        return export_ok(req).digest;
    };
    const auto amd = image("linux/amd64", "amd", "amd", "");
    const auto arm = image("linux/arm64", "arm", "arm", "");
    const auto amd_again = image("linux/amd64", "amd", "amd-again", ",annotation-manifest.org.example.build=2");
    REQUIRE(std::set<std::string>{amd, arm, amd_again}.size() == 3);

    const auto amd_manifest = parse_json(raw_manifest(source_repo + "@" + amd), "amd64 manifest");
    const auto again_manifest = parse_json(raw_manifest(source_repo + "@" + amd_again), "second amd64 manifest");
    const auto arm_manifest = parse_json(raw_manifest(source_repo + "@" + arm), "arm64 manifest");
    const auto big_layer = json_string(amd_manifest.at("layers").at(0), "digest");
    const auto config = json_string(amd_manifest.at("config"), "digest");
    REQUIRE(json_string(arm_manifest.at("layers").at(0), "digest") == big_layer);
    REQUIRE(json_string(again_manifest.at("layers").at(0), "digest") == big_layer);
    REQUIRE(json_string(again_manifest.at("config"), "digest") == config);
    REQUIRE(json_string(arm_manifest.at("config"), "digest") != config);
    REQUIRE(amd_manifest.at("layers").at(0).at("size").to_number<std::uint64_t>() > big_size);

    const auto near_before = near.requests().size();
    const auto far_before = far.requests().size();
    const auto far_bytes_before = far.bytes_upstream();
    const auto far_target = far.address() + "/release/app:v1";
    const auto near_target = near.address() + "/release/app:v1";
    auto created = imagetools({"create", "--progress", "plain", "-t", far_target, "-t", near_target,
                               source_repo + "@" + amd, source_repo + "@" + arm, source_repo + "@" + amd_again});
    INFO(created.describe());
    REQUIRE(created.succeeded());

    CHECK(count_greetings(far, far_before) == 1);  // the manifest writer and the push greet it once
    for (const auto& shared : {big_layer, config}) {
        const auto hex = shared.substr(7);
        INFO("shared blob " << shared);
        CHECK(count_requests(far, far_before, "PUT", {"/v2/release/app/blobs/uploads/", hex}) == 1);
        CHECK(count_requests(far, far_before, "POST", {"mount=", hex}) == 0);
        CHECK(count_requests(near, near_before, "POST", {"/v2/release/app/blobs/uploads/", "mount=", hex}) == 1);
        CHECK(count_requests(near, near_before, "PUT", {"/v2/release/app/blobs/uploads/", hex}) == 0);
    }
    // The big layer was read from its repository once and crossed to the other registry once.
    CHECK(count_requests(near, near_before, "GET", {"/v2/team/shared/blobs/" + big_layer}) == 1);
    CHECK(far.bytes_upstream() - far_bytes_before < big_size * 3 / 2);
    // Five distinct blobs each way: two configs, the big layer, two small layers.
    CHECK_THAT(created.err, Catch::Contains("push: 5 blobs uploaded ("));
    CHECK_THAT(created.err, Catch::Contains(", 5 mounted, "));

    for (const auto& target : {far_target, near_target}) {
        const auto index = parse_json(raw_manifest(target), "merged index");
        CHECK(child_digests(index) == std::set<std::string>{amd, arm, amd_again});
        check_copy_all(work.path(), target, 3);
    }
}

TEST_CASE("imagetools create puts a manifest that a nested index lists many times once", "[registry][imagetools]")
{
    // source:nested is an index of one index that lists the same image manifest 50 times.
    temp_dir work;
    registry_server registry;
    fault_proxy front("127.0.0.1", registry.port());
    const auto repo = front.address() + "/team/src";
    auto req = small_tree_export(work.path(), "type=image,push=true,name=" + repo + ":app");
    const auto manifest = export_ok(req).digest;
    const auto manifest_bytes = raw_manifest(repo + "@" + manifest);
    auto index_of = [&](const std::string& media_type, const std::string& digest, std::size_t size, int times) {
        boost::json::array children;
        for (int i = 0; i < times; ++i)
            children.push_back({{"mediaType", media_type}, {"digest", digest}, {"size", size}});
        return boost::json::serialize(boost::json::object{
            {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", children}});
    };
    auto put_index = [&](const std::string& tag, const std::string& bytes) {
        auto r = http_fetch(http::verb::put, "http://" + front.address() + "/v2/team/src/manifests/" + tag, bytes,
                            {{"Content-Type", "application/vnd.oci.image.index.v1+json"}});
        REQUIRE(r.result_int() == 201);
        return "sha256:" + sha256_hex(bytes);
    };
    const auto inner = index_of("application/vnd.oci.image.manifest.v1+json", manifest, manifest_bytes.size(), 50);
    const auto inner_digest = put_index("inner", inner);
    put_index("nested", index_of("application/vnd.oci.image.index.v1+json", inner_digest, inner.size(), 1));

    const auto target = front.address() + "/team/out:1";
    auto created = imagetools({"create", "-t", target, repo + ":nested"});
    INFO(created.describe());
    REQUIRE(created.succeeded());
    std::size_t puts = 0;
    for (const auto& r : front.requests())
        if (r.method == "PUT" && r.target == "/v2/team/out/manifests/" + manifest) ++puts;
    CHECK(puts == 1);
    // (skopeo does not copy nested indexes.) The target's index lists the inner one, which
    // the registry took only because the manifest it lists was there.
    const auto index = parse_json(raw_manifest(target), "target index");
    CHECK(json_string(index.at("manifests").at(0), "digest") == inner_digest);
    CHECK(http_fetch(http::verb::head, "http://" + front.address() + "/v2/team/out/manifests/" + manifest, {},
                     {{"Accept", "application/vnd.oci.image.manifest.v1+json"}})
              .result_int() == 200);
}

TEST_CASE("imagetools create refuses a source index that lists a manifest with another size", "[registry][imagetools]")
{
    // The new index would carry the listing's size as it is: registries take it (they only
    // check that the manifest exists) and pulls fail later.
    temp_dir work;
    registry_server registry;
    const auto repo = registry.address() + "/team/src";
    auto req = small_tree_export(work.path(), "type=image,push=true,name=" + repo + ":app");
    const auto manifest = export_ok(req).digest;
    const auto size = raw_manifest(repo + "@" + manifest).size();
    auto index_of = [&](const std::string& media_type, const std::string& digest, const std::vector<std::size_t>& sizes) {
        boost::json::array children;
        for (auto s : sizes) children.push_back({{"mediaType", media_type}, {"digest", digest}, {"size", s}});
        return boost::json::serialize(boost::json::object{
            {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", children}});
    };
    auto put_index = [&](const std::string& tag, const std::string& bytes) {
        auto r = http_fetch(http::verb::put, registry.base_url() + "/v2/team/src/manifests/" + tag, bytes,
                            {{"Content-Type", "application/vnd.oci.image.index.v1+json"}});
        REQUIRE(r.result_int() == 201);
        return "sha256:" + sha256_hex(bytes);
    };
    const auto image_type = "application/vnd.oci.image.manifest.v1+json";
    put_index("wrong", index_of(image_type, manifest, {size + 100}));
    // Nested: the inner index goes out as it is, so its repeated listing is checked too.
    const auto inner = index_of(image_type, manifest, {size, size + 1});
    const auto inner_digest = put_index("inner", inner);
    const auto outer = index_of("application/vnd.oci.image.index.v1+json", inner_digest, {inner.size()});
    const auto outer_digest = put_index("nested-wrong", outer);

    for (const std::string tag : {"wrong", "nested-wrong"}) {
        INFO(tag);
        auto created = imagetools({"create", "-t", registry.address() + "/team/out:" + tag, repo + ":" + tag});
        INFO(created.describe());
        CHECK(created.exit_code == 1);
        CHECK(split_lines(created.err).size() == 1);
        CHECK_THAT(created.err, Catch::Contains(manifest) && Catch::Contains("as the index listing it says"));
        CHECK(tags_of(registry, "team/out").empty());
    }

    // From the local store: the same check, on the push's walk of the stored index.
    write_bytes(req.store / "blobs" / "sha256" / inner_digest.substr(7), inner);
    write_bytes(req.store / "blobs" / "sha256" / outer_digest.substr(7), outer);
    auto layout_index = read_json_file(req.store / "index.json");
    layout_index.as_object()["manifests"].as_array().push_back(
        {{"mediaType", "application/vnd.oci.image.index.v1+json"}, {"digest", outer_digest}, {"size", outer.size()},
         {"annotations", {{"org.opencontainers.image.ref.name", "bad:1"}}}});
    write_bytes(req.store / "index.json", boost::json::serialize(layout_index));
    auto from_store = imagetools({"create", "--store", req.store.string(), "-t", registry.address() + "/team/out:s", "bad:1"});
    INFO(from_store.describe());
    CHECK(from_store.exit_code == 1);
    CHECK_THAT(from_store.err, Catch::Contains(manifest) && Catch::Contains("as the index listing it says"));
    CHECK(tags_of(registry, "team/out").empty());

    auto right = imagetools({"create", "-t", registry.address() + "/team/out:right", repo + ":app"});
    INFO(right.describe());
    CHECK(right.succeeded());
}

TEST_CASE("imagetools prints what a registry sent with no control character", "[registry][imagetools]")
{
    // A registry must not move the terminal's cursor or forge a line of lading's own.
    temp_dir work;
    registry_server registry;
    const auto repo = registry.address() + "/team/src";
    auto req = small_tree_export(work.path(), "type=image,push=true,name=" + repo + ":app");
    auto other = small_tree_export(work.path(), "type=image,push=true,name=" + repo + ":other", "other");
    other.metadata_file = work.path() / "other.json";
    const std::string hostile_os = "\x1b[2Jlinux\nlading: forged";
    boost::json::array children;
    for (const auto& manifest : {export_ok(req).digest, export_ok(other).digest})
        children.push_back({{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"digest", manifest},
                            {"size", raw_manifest(repo + "@" + manifest).size()},
                            {"platform", {{"os", hostile_os}, {"architecture", "amd64"}}},
                            {"annotations", {{"vnd.docker.reference.type", "\x1b]0;title\x07"}}}});
    const auto bytes = boost::json::serialize(boost::json::object{
        {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", children}});
    auto put = http_fetch(http::verb::put, registry.base_url() + "/v2/team/src/manifests/hostile", bytes,
                          {{"Content-Type", "application/vnd.oci.image.index.v1+json"}});
    REQUIRE(put.result_int() == 201);

    auto inspected = imagetools({"inspect", repo + ":hostile"});
    INFO(inspected.describe());
    REQUIRE(inspected.succeeded());
    CHECK_THAT(inspected.out, Catch::Contains("linux"));
    // A manifest asked by digest is named NAME@DIGEST, a reference one can copy.
    const std::string missing = "sha256:" + std::string(64, 'a');
    auto absent = imagetools({"inspect", repo + "@" + missing});
    CHECK(absent.exit_code == 1);
    CHECK_THAT(absent.err, Catch::Contains(repo + "@" + missing) && !Catch::Contains(repo + ":" + missing));
    auto created = imagetools({"create", "--dry-run", "-t", registry.address() + "/team/out:1", repo + ":hostile"});
    INFO(created.describe());
    REQUIRE(created.succeeded());
    for (const auto& text : {inspected.out, inspected.err, created.out, created.err}) {
        CHECK(text.find('\x1b') == std::string::npos);
        CHECK(text.find('\x07') == std::string::npos);
        CHECK(text.find("\nlading: forged") == std::string::npos);
    }
}
