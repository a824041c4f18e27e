// --variant: REPO:TAG-zstd and REPO:TAG-esgz served as the upstream's REPO:TAG re-encoded,
// read back by ctr (through a hosts.toml) and by the stargz-snapshotter library's verifier;
// the original's digests stay as they are.
#include "mirror_fixture.hpp"
#include "registry_support.hpp"
#include "verifier.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>

using namespace lading::test;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

const header_list any_manifest{{"Accept", "application/vnd.oci.image.index.v1+json, "
                                          "application/vnd.oci.image.manifest.v1+json, "
                                          "application/vnd.docker.distribution.manifest.v2+json"}};

json::object manifest_at(const mirror_process& mirror, const std::string& reference, std::string* digest = nullptr)
{
    http_client_options slow;
    slow.timeout = std::chrono::seconds(180);
    auto r = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/" + reference, {}, any_manifest, slow);
    INFO(r.body());
    REQUIRE(r.result_int() == 200);
    CHECK(r["Docker-Content-Digest"] == "sha256:" + sha256_hex(r.body()));
    if (digest) *digest = std::string(r["Docker-Content-Digest"]);
    return json::parse(r.body()).as_object();
}

}  // namespace

TEST_CASE("zstd and estargz variants of an upstream image", "[mirror][variant]")
{
    temp_dir work("lading-mirror-variant-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {400000, 300000}, 16);
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--variant", "zstd", "--variant", "estargz:-esgz"}});

    std::string original_digest, zstd_digest, esgz_digest;
    manifest_at(mirror, "1", &original_digest);
    CHECK(original_digest == image.manifest_digest);

    auto zstd = manifest_at(mirror, "1-zstd", &zstd_digest);
    CHECK(zstd_digest != image.manifest_digest);
    CHECK(zstd.at("subject").at("digest").as_string() == image.manifest_digest);
    REQUIRE(zstd.at("layers").as_array().size() == 2);
    for (const auto& l : zstd.at("layers").as_array())
        CHECK(l.at("mediaType").as_string() == "application/vnd.oci.image.layer.v1.tar+zstd");
    // Asked again (and after a restart), the same variant comes back.
    std::string again;
    manifest_at(mirror, "1-zstd", &again);
    CHECK(again == zstd_digest);

    auto esgz = manifest_at(mirror, "1-esgz", &esgz_digest);
    CHECK(esgz.at("subject").at("digest").as_string() == image.manifest_digest);
    for (const auto& l : esgz.at("layers").as_array()) {
        const auto d = std::string(l.at("digest").as_string());
        auto blob = http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + d);
        REQUIRE(blob.result_int() == 200);
        const auto file = work / ("esgz-" + d.substr(7));
        std::ofstream(file, std::ios::binary) << blob.body();
        auto toc = std::string(l.at("annotations").at("containerd.io/snapshot/stargz/toc.digest").as_string());
        auto report = estargz_test::run_verifier(file, toc);
        INFO(report.output);
        CHECK(report.ok);
    }
    // The original is untouched, by tag and by digest.
    std::string still;
    manifest_at(mirror, "1", &still);
    CHECK(still == image.manifest_digest);

    // ctr pulls the variant through the mirror and unpacks its zstd layers.
    containerd_fixture ctr;
    auto hosts = write_mirror_hosts_dir(work / "hosts", up.address(), mirror.address());
    CHECK(ctr_pull_digest(ctr, up.address() + "/app:1-zstd", {"--hosts-dir", hosts.string()}) == zstd_digest);
    require_clean_cache(work / "cache");

    auto stopped = mirror.stop();
    CHECK(stopped.exit_code == 0);
    mirror_process restarted(work / "cache", {{"--upstream", up.url(), "--variant", "zstd"}});
    std::string after_restart;
    manifest_at(restarted, "1-zstd", &after_restart);
    CHECK(after_restart == zstd_digest);
}

TEST_CASE("a variant whose layers the size cap evicted is made again, not served broken", "[mirror][variant][eviction]")
{
    temp_dir work("lading-mirror-variant-evict-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1 << 20}, 21);
    auto big = push_image(work.path(), up.registry().address(), "big:1", {3 << 20}, 22);
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--variant", "zstd", "--max-size", "3500K"}});

    std::string first;
    auto variant = manifest_at(mirror, "1-zstd", &first);
    const auto layer = std::string(variant.at("layers").at(0).at("digest").as_string());
    REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + layer).result_int() == 200);
    manifest_at(mirror, "1-zstd");  // the manifest is now more recent than the layer
    // A 3 MiB blob of another image pushes the variant's layer out of the 3.5 MB cache.
    REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/big/blobs/" + big.layer_digests[0]).result_int() == 200);
    REQUIRE(metric(mirror.url(), "lading_mirror_evictions_total") >= 1);
    REQUIRE_FALSE(std::filesystem::exists(work / "cache" / "blobs" / "sha256" / layer.substr(7)));
    REQUIRE(std::filesystem::exists(work / "cache" / "blobs" / "sha256" / first.substr(7)));

    std::string second;
    manifest_at(mirror, "1-zstd", &second);
    CHECK(second == first);  // the same variant, made again from the same original
    auto blob = http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + layer);
    REQUIRE(blob.result_int() == 200);
    CHECK("sha256:" + sha256_hex(blob.body()) == layer);
    require_clean_cache(work / "cache");
}

namespace {

// GET /v2/app/referrers/<subject>[?artifactType=...]: the index's manifests, and its
// OCI-Filters-Applied header.
std::pair<json::array, std::string> referrers(const mirror_process& mirror, const std::string& subject,
                                              const std::string& query = "")
{
    auto r = http_fetch(http::verb::get, mirror.url() + "/v2/app/referrers/" + subject + query);
    INFO(r.body());
    REQUIRE(r.result_int() == 200);
    CHECK(r[http::field::content_type] == "application/vnd.oci.image.index.v1+json");
    return {json::parse(r.body()).as_object().at("manifests").as_array(), std::string(r["OCI-Filters-Applied"])};
}

}  // namespace

TEST_CASE("the referrers of an upstream image list the variants the mirror made of it", "[mirror][variant][referrers]")
{
    temp_dir work("lading-mirror-referrers-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {300000}, 17);
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--variant", "zstd"}});

    CHECK(referrers(mirror, image.manifest_digest).first.empty());  // docker-registry 2.8 has none
    std::string zstd_digest;
    auto zstd = manifest_at(mirror, "1-zstd", &zstd_digest);

    auto [listed, filters] = referrers(mirror, image.manifest_digest);
    REQUIRE(listed.size() == 1);
    const auto& entry = listed[0].as_object();
    CHECK(entry.at("digest").as_string() == zstd_digest);
    CHECK(entry.at("mediaType").as_string() == "application/vnd.oci.image.manifest.v1+json");
    CHECK(entry.at("artifactType") == zstd.at("config").at("mediaType"));
    auto variant = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/" + zstd_digest, {}, any_manifest);
    CHECK(entry.at("size").to_number<std::uint64_t>() == variant.body().size());
    CHECK(filters.empty());

    const std::string config_type(zstd.at("config").at("mediaType").as_string());
    std::string escaped;  // '/' and '+' as a client sends them in a query
    for (char c : config_type) escaped += c == '/' ? "%2F" : c == '+' ? "%2B" : std::string(1, c);
    auto matching = referrers(mirror, image.manifest_digest, "?artifactType=" + escaped);
    CHECK(matching.first.size() == 1);
    CHECK(matching.second == "artifactType");
    auto other = referrers(mirror, image.manifest_digest, "?artifactType=application%2Fvnd.example.sbom");
    CHECK(other.first.empty());
    CHECK(other.second == "artifactType");
    // Nothing refers to the variant itself.
    CHECK(referrers(mirror, zstd_digest).first.empty());

    // Restarted, the mirror lists the variant before any client asked for the subject again.
    CHECK(mirror.stop().exit_code == 0);
    mirror_process again(work / "cache", {{"--upstream", up.url(), "--variant", "zstd"}});
    auto relisted = referrers(again, image.manifest_digest).first;
    REQUIRE(relisted.size() == 1);
    CHECK(relisted[0].at("digest").as_string() == zstd_digest);

    // Another repository that holds the subject upstream (the mirror never saw it there) is
    // given the same answer: the upstream is asked, and the variant is then served there too.
    auto copied = run_process({"skopeo", "copy", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                               "docker://" + up.registry().address() + "/app:1",
                               "docker://" + up.registry().address() + "/app2:1"});
    INFO(copied.describe());
    REQUIRE(copied.succeeded());
    auto in_app2 = http_fetch(http::verb::get, again.url() + "/v2/app2/referrers/" + image.manifest_digest);
    REQUIRE(in_app2.result_int() == 200);
    auto listed_app2 = json::parse(in_app2.body()).as_object().at("manifests").as_array();
    REQUIRE(listed_app2.size() == 1);
    CHECK(listed_app2[0].at("digest").as_string() == zstd_digest);
    CHECK(http_fetch(http::verb::get, again.url() + "/v2/app2/manifests/" + zstd_digest, {}, any_manifest).result_int() ==
          200);
}

TEST_CASE("a variant of an index listing one image many times fetches its parts once", "[mirror][variant]")
{
    temp_dir work("lading-mirror-variant-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {200000}, 17);
    const auto upstream = "http://" + up.registry().address() + "/v2/app/manifests/";
    auto manifest = http_fetch(http::verb::get, upstream + image.manifest_digest, {}, any_manifest);
    REQUIRE(manifest.result_int() == 200);
    json::array children;
    for (int i = 0; i < 2000; ++i)
        children.push_back({{"mediaType", std::string(manifest["Content-Type"])},
                            {"digest", image.manifest_digest},
                            {"size", manifest.body().size()},
                            {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}});
    const auto index = json::serialize(json::object{
        {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", children}});
    auto put = http_fetch(http::verb::put, upstream + "many", index, {{"Content-Type", "application/vnd.oci.image.index.v1+json"}});
    REQUIRE(put.result_int() == 201);

    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--variant", "zstd"}});
    const auto hits_before = metric(mirror.url(), "lading_mirror_cache_hits_total");
    auto variant = manifest_at(mirror, "many-zstd");
    CHECK(variant.at("manifests").as_array().size() == 2000);
    // Each listing once would be thousands of cache lookups; each part once is a handful.
    CHECK(metric(mirror.url(), "lading_mirror_cache_hits_total") - hits_before < 50);
    CHECK(up.requests("GET", "/manifests/" + image.manifest_digest) <= 1);
    for (const auto& layer : image.layer_digests) CHECK(up.blob_gets(layer) == 1);
}
