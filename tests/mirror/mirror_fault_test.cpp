// lading-mirror when things go wrong: upstream 5xx and broken downloads, an upstream that is
// down (tags served stale), the size cap, kill -9 in the middle of a download, and SIGTERM
// while a download is being served.
#include "mirror_fixture.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <thread>

using namespace lading::test;
namespace http = boost::beast::http;

namespace {

const header_list oci_accept{{"Accept", "application/vnd.oci.image.manifest.v1+json"}};

http_response get_blob(const mirror_process& mirror, const std::string& repo, const std::string& digest)
{
    http_client_options o;
    o.timeout = std::chrono::seconds(120);
    return http_fetch(http::verb::get, mirror.url() + "/v2/" + repo + "/blobs/" + digest, {}, {}, o);
}

}  // namespace

TEST_CASE("upstream 5xx answers and broken downloads are retried", "[mirror][faults]")
{
    temp_dir work("lading-mirror-faults-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {4 << 20}, 7);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    const auto layer = image.layer_digests[0];

    up.proxy().answer_500("GET", "/manifests/", 2);
    auto m = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {}, oci_accept);
    CHECK(m.result_int() == 200);
    up.proxy().answer_500("GET", "/blobs/" + layer, 1);
    up.proxy().cut_responses("GET", "/blobs/" + layer, 1, 1 << 20);
    auto b = get_blob(mirror, "app", layer);
    REQUIRE(b.result_int() == 200);
    CHECK("sha256:" + sha256_hex(b.body()) == layer);
    CHECK(up.proxy().pending_scripts() == 0);
    CHECK(metric(mirror.url(), "lading_mirror_bytes_from_upstream_total") == image.sizes.at(layer));
    require_clean_cache(work / "cache");
}

TEST_CASE("a tag is served stale when the upstream fails or is down, after its TTL", "[mirror][faults]")
{
    temp_dir work("lading-mirror-stale-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1000}, 8);
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--tag-ttl", "1s"}});
    auto fresh = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {}, oci_accept);
    REQUIRE(fresh.result_int() == 200);
    auto gets_of_tag = [&] {
        std::size_t n = 0;
        for (const auto& r : up.proxy().requests())
            if (r.method == "GET" && r.target == "/v2/app/manifests/1") ++n;
        return n;
    };
    // Within the TTL the tag is not asked again.
    http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {}, oci_accept);
    CHECK(gets_of_tag() == 1);

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    up.proxy().answer_500("GET", "/manifests/1$", 100);
    auto stale = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {}, oci_accept);
    CHECK(stale.result_int() == 200);
    CHECK(stale["Docker-Content-Digest"] == image.manifest_digest);
    CHECK(mirror.log().find("stale") != std::string::npos);
    // Asked again at once, the mirror answers from its cache and leaves the failing upstream
    // alone: clients do not each wait out the retries.
    const auto gets_while_failing = gets_of_tag();
    auto again = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {}, oci_accept);
    CHECK(again.result_int() == 200);
    CHECK(again["Docker-Content-Digest"] == image.manifest_digest);
    CHECK(gets_of_tag() == gets_while_failing);
    CHECK(mirror.log().find("the upstream failed moments ago") != std::string::npos);

    up.proxy().clear_scripts();
    up.registry().stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto down = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1", {}, oci_accept);
    CHECK(down.result_int() == 200);
    CHECK(down["Docker-Content-Digest"] == image.manifest_digest);
    // What was never cached cannot be served.
    auto unknown = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/2", {}, oci_accept);
    CHECK(unknown.result_int() == 503);
    CHECK(metric(mirror.url(), "lading_mirror_upstream_errors_total") >= 3);
}

TEST_CASE("an index's platform manifests are served by digest after a restart with the upstream down",
          "[mirror][faults]")
{
    temp_dir work("lading-mirror-stale-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1000}, 11);
    const auto upstream = "http://" + up.registry().address() + "/v2/app/manifests/";
    auto manifest = http_fetch(http::verb::get, upstream + image.manifest_digest, {}, oci_accept);
    REQUIRE(manifest.result_int() == 200);
    boost::json::array children{boost::json::object{{"mediaType", std::string(manifest["Content-Type"])},
                                                    {"digest", image.manifest_digest},
                                                    {"size", manifest.body().size()},
                                                    {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}}};
    const auto index = boost::json::serialize(boost::json::object{
        {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", children}});
    const header_list index_type{{"Content-Type", "application/vnd.oci.image.index.v1+json"}};
    REQUIRE(http_fetch(http::verb::put, upstream + "multi", index, index_type).result_int() == 201);
    const header_list any{{"Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"}};

    {
        mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
        REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/multi", {}, any).result_int() == 200);
        REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/" + image.manifest_digest, {}, any)
                    .result_int() == 200);
        for (const auto& layer : image.layer_digests) REQUIRE(get_blob(mirror, "app", layer).result_int() == 200);
        CHECK(mirror.stop().exit_code == 0);
    }
    up.registry().stop();
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    // A client that still has the manifests (containerd keeps them) asks for a layer first.
    auto first_layer = get_blob(mirror, "app", image.layer_digests[0]);
    CHECK(first_layer.result_int() == 200);
    auto child = http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/" + image.manifest_digest, {}, any);
    CHECK(child.result_int() == 200);
    CHECK(child.body() == manifest.body());
    for (const auto& layer : image.layer_digests) {
        auto b = get_blob(mirror, "app", layer);
        CHECK(b.result_int() == 200);
        CHECK("sha256:" + sha256_hex(b.body()) == layer);
    }
}

TEST_CASE("the size cap evicts the least recently used blobs", "[mirror][faults][eviction]")
{
    temp_dir work("lading-mirror-evict-");
    counted_upstream up;
    auto a = push_image(work.path(), up.registry().address(), "a:1", {3 << 20}, 9);
    auto b = push_image(work.path(), up.registry().address(), "b:1", {3 << 20}, 10);
    mirror_process mirror(work / "cache", {{"--upstream", up.url(), "--max-size", "5M"}});

    REQUIRE(get_blob(mirror, "a", a.layer_digests[0]).result_int() == 200);
    REQUIRE(get_blob(mirror, "b", b.layer_digests[0]).result_int() == 200);
    CHECK(metric(mirror.url(), "lading_mirror_evictions_total") >= 1);
    CHECK(metric(mirror.url(), "lading_mirror_cache_size_bytes") <= (5u << 20));
    // b is the most recent: served from the cache; a comes from the upstream again.
    REQUIRE(get_blob(mirror, "b", b.layer_digests[0]).result_int() == 200);
    CHECK(up.blob_gets(b.layer_digests[0]) == 1);
    auto again = get_blob(mirror, "a", a.layer_digests[0]);
    REQUIRE(again.result_int() == 200);
    CHECK("sha256:" + sha256_hex(again.body()) == a.layer_digests[0]);
    CHECK(up.blob_gets(a.layer_digests[0]) == 2);
    require_clean_cache(work / "cache");
}

TEST_CASE("a mirror killed in the middle of a download restarts with a consistent cache", "[mirror][faults][crash]")
{
    temp_dir work("lading-mirror-kill-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {24 << 20}, 11);
    const auto layer = image.layer_digests[0];
    {
        // The first download breaks off after 4 MiB and the retry waits 5 s: the kill lands then.
        mirror_process mirror(work / "cache",
                              {{"--upstream", up.url()}, {{"LADING_REGISTRY_RETRY_DELAY_MS", "5000"}}});
        up.proxy().cut_responses("GET", "/blobs/" + layer, 1, 4 << 20);
        std::thread client([&] {
            try {
                get_blob(mirror, "app", layer);
            } catch (const std::exception&) {
                // The connection dies with the mirror.
            }
        });
        wait_until([&] { return metric(mirror.url(), "lading_mirror_bytes_from_upstream_total") > (1u << 20); },
                   "the download is under way");
        mirror.kill9();
        client.join();
    }
    require_clean_cache(work / "cache");
    mirror_process restarted(work / "cache", {{"--upstream", up.url()}});
    auto b = get_blob(restarted, "app", layer);
    REQUIRE(b.result_int() == 200);
    CHECK("sha256:" + sha256_hex(b.body()) == layer);
    require_clean_cache(work / "cache");
}

TEST_CASE("SIGTERM lets the download being served finish", "[mirror][faults][shutdown]")
{
    temp_dir work("lading-mirror-term-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {8 << 20}, 12);
    const auto layer = image.layer_digests[0];
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}, {{"LADING_REGISTRY_RETRY_DELAY_MS", "1500"}}});
    up.proxy().cut_responses("GET", "/blobs/" + layer, 1, 2 << 20);
    http_response answer;
    std::thread client([&] { answer = get_blob(mirror, "app", layer); });
    wait_until([&] { return metric(mirror.url(), "lading_mirror_bytes_from_upstream_total") > 0; },
               "the download is under way");
    auto stopped = mirror.stop();
    client.join();
    CHECK(stopped.exit_code == 0);
    REQUIRE(answer.result_int() == 200);
    CHECK("sha256:" + sha256_hex(answer.body()) == layer);
}
