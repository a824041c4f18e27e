// HEAD through lading-mirror: a blob the cache does not hold is answered from the upstream's
// HEAD, with nothing downloaded or stored, and its errors are those of a GET; a manifest
// HEAD fetches the (small) manifest into the cache.
#include "mirror_fixture.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace lading::test;
namespace http = boost::beast::http;

TEST_CASE("a HEAD of an uncached blob downloads nothing", "[mirror][head]")
{
    temp_dir work("lading-mirror-head-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1 << 20}, 21);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    const auto base = mirror.url() + "/v2/app";
    const auto layer = image.layer_digests[0];
    const auto size = image.sizes.at(layer);
    const auto cached_blob = work / "cache" / "blobs" / "sha256" / layer.substr(7);
    auto heads_of_layer = [&] { return up.requests("HEAD", "/blobs/" + layer); };

    SECTION("the upstream's HEAD answers it; the GET after it fills the cache; the next HEAD is local")
    {
        auto head = http_fetch(http::verb::head, base + "/blobs/" + layer);
        CHECK(head.result_int() == 200);
        CHECK(head[http::field::content_length] == std::to_string(size));
        CHECK(head["Docker-Content-Digest"] == layer);
        CHECK(head[http::field::content_type] == "application/octet-stream");
        CHECK(head[http::field::accept_ranges] == "bytes");
        auto part = http_fetch(http::verb::head, base + "/blobs/" + layer, {}, {{"Range", "bytes=0-99"}});
        CHECK(part.result_int() == 206);
        CHECK(part[http::field::content_length] == "100");
        CHECK(part[http::field::content_range] == "bytes 0-99/" + std::to_string(size));

        CHECK(heads_of_layer() == 2);
        CHECK(up.blob_gets(layer) == 0);
        CHECK(metric(mirror.url(), "lading_mirror_bytes_from_upstream_total") == 0);
        CHECK_FALSE(std::filesystem::exists(cached_blob));

        auto get = http_fetch(http::verb::get, base + "/blobs/" + layer);
        REQUIRE(get.result_int() == 200);
        CHECK("sha256:" + sha256_hex(get.body()) == layer);
        CHECK(up.blob_gets(layer) == 1);
        CHECK(heads_of_layer() == 2);  // the download started with the size the HEAD learnt
        wait_until([&] { return metric(mirror.url(), "lading_mirror_upstream_fetches_in_flight") == 0; },
                   "the download is committed");
        CHECK(std::filesystem::exists(cached_blob));

        auto local = http_fetch(http::verb::head, base + "/blobs/" + layer);
        CHECK(local.result_int() == 200);
        CHECK(local[http::field::content_length] == std::to_string(size));
        CHECK(heads_of_layer() == 2);
        require_clean_cache(work / "cache");
    }
    SECTION("a HEAD while the blob downloads is answered from the download")
    {
        up.proxy().stall_requests("GET", "/blobs/" + layer);
        std::thread client([&] {
            try {
                http_fetch(http::verb::get, base + "/blobs/" + layer);
            } catch (const std::exception&) {
                // The connection dies with the mirror.
            }
        });
        wait_until([&] { return metric(mirror.url(), "lading_mirror_upstream_fetches_in_flight") == 1; },
                   "the download is under way");
        auto head = http_fetch(http::verb::head, base + "/blobs/" + layer);
        CHECK(head.result_int() == 200);
        CHECK(head[http::field::content_length] == std::to_string(size));
        CHECK(heads_of_layer() == 1);  // the download's own size lookup, none for the client's HEAD
        mirror.kill9();
        client.join();
    }
    SECTION("its errors are those of a GET")
    {
        const auto missing = "/blobs/sha256:" + std::string(64, '1');
        for (auto verb : {http::verb::head, http::verb::get}) CHECK(http_fetch(verb, base + missing).result_int() == 404);
        // An upstream that asks for credentials the mirror does not have.
        up.proxy().answer("", "/blobs/" + layer, 100,
                          injected_response{.status = 401, .headers = {{"WWW-Authenticate", "Basic realm=\"upstream\""}}});
        auto refused_head = http_fetch(http::verb::head, base + "/blobs/" + layer);
        auto refused_get = http_fetch(http::verb::get, base + "/blobs/" + layer);
        CHECK(refused_head.result_int() == 403);
        CHECK(refused_get.result_int() == 403);
        up.proxy().clear_scripts();
        CHECK(up.blob_gets(layer) == 0);
        CHECK_FALSE(std::filesystem::exists(cached_blob));
    }
    SECTION("a manifest HEAD fetches the manifest once; a GET by digest is then served from the cache")
    {
        const header_list accept{{"Accept", "application/vnd.oci.image.manifest.v1+json"}};
        auto head = http_fetch(http::verb::head, base + "/manifests/1", {}, accept);
        CHECK(head.result_int() == 200);
        CHECK(head["Docker-Content-Digest"] == image.manifest_digest);
        auto get = http_fetch(http::verb::get, base + "/manifests/" + image.manifest_digest, {}, accept);
        REQUIRE(get.result_int() == 200);
        CHECK(head[http::field::content_length] == std::to_string(get.body().size()));
        CHECK(up.requests("GET", "/manifests/") == 1);
    }
}
