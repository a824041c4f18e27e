// Pulls through lading-mirror by real clients: skopeo (cold, then warm from the cache), 20
// concurrent cold pullers that must cause one upstream download per blob, and ctr through a
// containerd hosts.toml that names the mirror.
#include "mirror_fixture.hpp"
#include "registry_support.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

using namespace lading::test;
namespace http = boost::beast::http;

TEST_CASE("skopeo pulls through the mirror, cold then warm from the cache", "[mirror][pull]")
{
    temp_dir work("lading-mirror-pull-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "team/app:1", {3 << 20, 1 << 20}, 1);
    // A second name for the same upstream, chosen by a path prefix.
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--upstream", "origin.test=" + up.url()}});

    skopeo_pull(mirror.address() + "/team/app:1", work / "cold");
    CHECK(skopeo_raw_digest(mirror.address() + "/team/app:1", {"--tls-verify=false"}) == image.manifest_digest);
    for (const auto& d : image.layer_digests) CHECK(up.blob_gets(d) == 1);
    const auto upstream_bytes = metric(mirror.url(), "lading_mirror_bytes_from_upstream_total");
    CHECK(upstream_bytes == image.sizes.at(image.layer_digests[0]) + image.sizes.at(image.layer_digests[1]) +
                                image.sizes.at(image.config_digest));

    // Warm: every blob from the cache, the upstream asked for nothing but the tag.
    skopeo_pull(mirror.address() + "/team/app:1", work / "warm");
    for (const auto& d : image.layer_digests) CHECK(up.blob_gets(d) == 1);
    CHECK(metric(mirror.url(), "lading_mirror_bytes_from_upstream_total") == upstream_bytes);
    CHECK(metric(mirror.url(), "lading_mirror_bytes_from_cache_total") >= upstream_bytes);
    // By digest too, and through the path prefix naming the upstream.
    skopeo_pull(mirror.address() + "/origin.test/team/app@" + image.manifest_digest, work / "by-digest");
    for (const auto& d : image.layer_digests) CHECK(up.blob_gets(d) == 1);

    auto log = mirror.log();
    CHECK(log.find("\"GET /v2/team/app/blobs/" + image.layer_digests[0] + "\" 200") != std::string::npos);
    require_clean_cache(work / "cache");
}

TEST_CASE("20 concurrent cold pulls fetch each blob once from the upstream", "[mirror][pull][collapse]")
{
    temp_dir work("lading-mirror-collapse-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {16 << 20, 2 << 20}, 2);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});

    std::vector<std::string> blobs = image.layer_digests;
    blobs.push_back(image.config_digest);
    std::vector<std::string> problems(20);
    std::vector<std::thread> pullers;
    for (int i = 0; i < 20; ++i) {
        pullers.emplace_back([&, i] {
            try {
                auto m = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {},
                                    {{"Accept", "application/vnd.oci.image.manifest.v1+json"}});
                if (m.result_int() != 200) throw std::runtime_error("manifest " + std::to_string(m.result_int()));
                for (const auto& d : blobs) {
                    http_client_options slow;
                    slow.timeout = std::chrono::seconds(120);
                    auto b = http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + d, {}, {}, slow);
                    if (b.result_int() != 200 || "sha256:" + sha256_hex(b.body()) != d)
                        throw std::runtime_error("blob " + d + " came back wrong (" + std::to_string(b.result_int()) + ")");
                }
            } catch (const std::exception& e) {
                problems[i] = e.what();
            }
        });
    }
    for (auto& t : pullers) t.join();
    for (const auto& p : problems) CHECK(p.empty());
    for (const auto& d : blobs) {
        INFO(d);
        CHECK(up.blob_gets(d) == 1);
    }
    std::uint64_t image_bytes = 0;
    for (const auto& [d, size] : image.sizes) image_bytes += size;
    CHECK(metric(mirror.url(), "lading_mirror_bytes_from_upstream_total") == image_bytes);
    require_clean_cache(work / "cache");
}

TEST_CASE("ctr pulls through the mirror named in a containerd hosts.toml", "[mirror][pull][ctr]")
{
    temp_dir work("lading-mirror-ctr-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {2 << 20}, 3);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    containerd_fixture ctr;

    // server = the upstream, host = the mirror: containerd asks the mirror with ?ns=<upstream>.
    auto hosts = write_mirror_hosts_dir(work / "hosts", up.address(), mirror.address());
    auto digest = ctr_pull_digest(ctr, up.address() + "/app:1", {"--hosts-dir", hosts.string()});
    CHECK(digest == image.manifest_digest);
    auto log = mirror.log();
    INFO(log);
    auto ns = up.address();
    ns.replace(ns.find(':'), 1, "%3A");
    CHECK(log.find("\"HEAD /v2/app/manifests/1?ns=" + ns + "\" 200") != std::string::npos);
    CHECK(log.find("/v2/app/blobs/" + image.layer_digests[0] + "?ns=" + ns + "\" 200") != std::string::npos);
    CHECK(up.blob_gets(image.layer_digests[0]) == 1);
}
