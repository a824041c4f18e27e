// What a hostile upstream, a hostile image or a hostile client cannot make lading-mirror do:
// add headers to its answers, change the size another repository's blobs are served with,
// serve another registry's image under a name it was not given, read one repository's cached
// content under another's name, or lock clients out with idle connections.
#include "mirror_fixture.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

using namespace lading::test;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// Uploads `bytes` as a blob of `repository` straight to the registry (POST, then PUT with
// the digest); returns its digest.
std::string put_blob(const std::string& registry, const std::string& repository, const std::string& bytes)
{
    const auto digest = "sha256:" + sha256_hex(bytes);
    auto start = http_fetch(http::verb::post, "http://" + registry + "/v2/" + repository + "/blobs/uploads/");
    REQUIRE(start.result_int() == 202);
    std::string location(start[http::field::location]);
    if (location.starts_with("/")) location = "http://" + registry + location;
    location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + digest;
    auto done = http_fetch(http::verb::put, location, bytes, {{"Content-Type", "application/octet-stream"}});
    REQUIRE(done.result_int() == 201);
    return digest;
}

// The upstream answers the next GET of `manifest_path` with an OCI manifest of `image`'s
// config that names `layer` with a size of 1.
void serve_lying_manifest(counted_upstream& up, const std::string& manifest_path, const pushed_image& image,
                          const std::string& layer)
{
    json::object m{
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                    {"digest", image.config_digest},
                    {"size", image.sizes.at(image.config_digest)}}},
        {"layers", json::array{json::object{
                       {"mediaType", "application/vnd.oci.image.layer.v1.tar"}, {"digest", layer}, {"size", 1}}}}};
    up.proxy().answer("GET", "^" + manifest_path + "$", 1,
                      injected_response{200, {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}},
                                        json::serialize(m)});
}

}  // namespace

TEST_CASE("a manifest's media type cannot add headers to the mirror's answers", "[mirror][hostile]")
{
    temp_dir work("lading-mirror-hostile-");
    counted_upstream up;
    // Anyone who can push a blob upstream can make these bytes; by digest they are a "manifest".
    const auto digest = put_blob(up.registry().address(), "evil",
                                 R"({"schemaVersion":2,"mediaType":"a/b\r\nX-Injected: 1","layers":[]})");
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/evil/blobs/" + digest).result_int() == 200);
    for (auto verb : {http::verb::get, http::verb::head}) {
        auto served = http_fetch(verb, mirror.url() + "/v2/evil/manifests/" + digest);
        INFO(served.body());
        CHECK(served.result_int() == 200);
        CHECK(served.find("X-Injected") == served.end());
        CHECK(served[http::field::content_type] == "application/octet-stream");
        CHECK(served["Docker-Content-Digest"] == digest);
    }
}

TEST_CASE("a manifest cannot set the size another repository's blob is served with", "[mirror][hostile]")
{
    temp_dir work("lading-mirror-hostile-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {100000}, 7);
    const auto layer = image.layer_digests[0];
    serve_lying_manifest(up, "/v2/evil/manifests/x", image, layer);  // another repository's manifest
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/evil/manifests/x").result_int() == 200);

    auto blob = http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + layer);
    REQUIRE(blob.result_int() == 200);
    CHECK(blob.body().size() == image.sizes.at(layer));
    CHECK("sha256:" + sha256_hex(blob.body()) == layer);
    require_clean_cache(work / "cache");
}

TEST_CASE("a size learnt from a lying manifest is forgotten once its download fails", "[mirror][hostile]")
{
    temp_dir work("lading-mirror-hostile-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {100000}, 8);
    const auto layer = image.layer_digests[0];
    serve_lying_manifest(up, "/v2/app/manifests/lie", image, layer);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/lie").result_int() == 200);
    // The first download is sized by the lie and breaks off; the next asks the upstream.
    try {
        http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + layer);
    } catch (const std::exception&) {
    }
    auto blob = http_fetch(http::verb::get, mirror.url() + "/v2/app/blobs/" + layer);
    REQUIRE(blob.result_int() == 200);
    CHECK("sha256:" + sha256_hex(blob.body()) == layer);
}

TEST_CASE("an ns= naming no upstream is answered 404, not from the default upstream", "[mirror][hostile]")
{
    temp_dir work("lading-mirror-hostile-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1000}, 9);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    const auto before = up.proxy().requests().size();
    for (const auto& path : std::vector<std::string>{"/v2/app/manifests/1?ns=other.example",
                                                     "/v2/app/blobs/" + image.layer_digests[0] + "?ns=other.example"}) {
        auto r = http_fetch(http::verb::get, mirror.url() + path);
        CHECK(r.result_int() == 404);
        CHECK(error_code_of(r) == "NAME_UNKNOWN");
    }
    CHECK(up.proxy().requests().size() == before);
    // The upstream's own name (host:port) still selects it.
    CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/app/manifests/1?ns=" + up.address(), {},
                     {{"Accept", "application/vnd.oci.image.manifest.v1+json"}})
              .result_int() == 200);
}

TEST_CASE("cached content is served only under a repository the upstream holds it in", "[mirror][hostile]")
{
    temp_dir work("lading-mirror-hostile-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "team/private:1", {100000}, 10);
    const auto layer = image.layer_digests[0];
    const header_list oci_accept{{"Accept", "application/vnd.oci.image.manifest.v1+json"}};
    std::string layer_bytes;
    {
        mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
        REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/team/private/manifests/1", {}, oci_accept)
                    .result_int() == 200);
        auto blob = http_fetch(http::verb::get, mirror.url() + "/v2/team/private/blobs/" + layer);
        REQUIRE(blob.result_int() == 200);
        layer_bytes = blob.body();

        // Knowing the digests is not enough to read them under another name.
        for (auto verb : {http::verb::get, http::verb::head}) {
            auto b = http_fetch(verb, mirror.url() + "/v2/public/blobs/" + layer);
            CHECK(b.result_int() == 404);
            auto m = http_fetch(verb, mirror.url() + "/v2/public/manifests/" + image.manifest_digest, {}, oci_accept);
            CHECK(m.result_int() == 404);
        }
        CHECK(error_code_of(http_fetch(http::verb::get, mirror.url() + "/v2/public/blobs/" + layer)) == "BLOB_UNKNOWN");

        // Nor is listing the digest as a foreign layer (with urls, which a registry takes
        // without the bytes) in a manifest of another repository.
        json::object foreign{
            {"schemaVersion", 2},
            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                        {"digest", image.config_digest},
                        {"size", image.sizes.at(image.config_digest)}}},
            {"layers", json::array{json::object{{"mediaType", "application/vnd.oci.image.layer.nondistributable.v1.tar"},
                                                {"digest", layer},
                                                {"size", image.sizes.at(layer)},
                                                {"urls", json::array{"https://example.invalid/layer"}}}}}};
        up.proxy().answer("GET", "^/v2/evil/manifests/x$", 1,
                          injected_response{200, {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}},
                                            json::serialize(foreign)});
        REQUIRE(http_fetch(http::verb::get, mirror.url() + "/v2/evil/manifests/x").result_int() == 200);
        CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/evil/blobs/" + layer).result_int() == 404);

        // A repository that does hold the blob upstream is served it from the cache, after a HEAD there.
        REQUIRE(put_blob(up.registry().address(), "team/copy", layer_bytes) == layer);
        auto copy = http_fetch(http::verb::get, mirror.url() + "/v2/team/copy/blobs/" + layer);
        REQUIRE(copy.result_int() == 200);
        CHECK(copy.body() == layer_bytes);
        CHECK(up.blob_gets(layer) == 1);
        CHECK(up.requests("HEAD", "/v2/team/copy/blobs/" + layer) == 1);
        CHECK(mirror.stop().exit_code == 0);
    }

    // Restarted with the upstream down: the manifest the upstream served for team/private is
    // served by digest, and through it its blobs; other repositories get nothing from the cache.
    up.registry().stop();
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    auto m = http_fetch(http::verb::get, mirror.url() + "/v2/team/private/manifests/" + image.manifest_digest, {},
                        oci_accept);
    CHECK(m.result_int() == 200);
    auto blob = http_fetch(http::verb::get, mirror.url() + "/v2/team/private/blobs/" + layer);
    CHECK(blob.result_int() == 200);
    CHECK(blob.body() == layer_bytes);
    for (const std::string repository : {"public", "team/copy"}) {
        INFO(repository);
        CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/" + repository + "/blobs/" + layer).result_int() == 503);
        CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/" + repository + "/manifests/" + image.manifest_digest,
                         {}, oci_accept)
                  .result_int() == 503);
    }
    require_clean_cache(work / "cache");
}

TEST_CASE("idle connections cannot lock clients out of the mirror", "[mirror][hostile]")
{
    temp_dir work("lading-mirror-hostile-");
    counted_upstream up;
    // 64 descriptors: the mirror keeps at most 16 connections and runs out of descriptors
    // long before the 100 idle sockets below are all open.
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}, {}, {"prlimit", "--nofile=64:64", "--"}});
    boost::asio::io_context io;
    std::vector<boost::asio::ip::tcp::socket> idle;
    const boost::asio::ip::tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), mirror.port());
    for (int i = 0; i < 100; ++i) {
        idle.emplace_back(io);
        idle.back().connect(at);
    }
    // The idle connections give way; the mirror answers a client while they are all still open.
    auto ping = http_fetch(http::verb::get, mirror.url() + "/v2/", {}, {}, {{}, true, std::chrono::seconds(20)});
    CHECK(ping.result_int() == 200);
    idle.clear();
    CHECK(http_fetch(http::verb::get, mirror.url() + "/v2/").result_int() == 200);
}
