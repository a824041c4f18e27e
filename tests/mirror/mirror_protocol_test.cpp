// The read side of the distribution spec as lading-mirror answers it over HTTP: manifest
// headers, blob Range answers, tags paging, referrers, errors and refused writes.
#include "mirror_fixture.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

using namespace lading::test;
namespace http = boost::beast::http;
namespace json = boost::json;

TEST_CASE("manifests, blobs and their headers", "[mirror][protocol]")
{
    temp_dir work("lading-mirror-protocol-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {100000}, 4);
    push_image(work.path(), up.registry().address(), "app:2", {1000}, 5);
    push_image(work.path(), up.registry().address(), "app:3", {1000}, 6);
    mirror_process mirror(work / "cache", {{"--upstream", up.url()}});
    const auto base = mirror.url() + "/v2/app";

    auto ping = http_fetch(http::verb::get, mirror.url() + "/v2/");
    CHECK(ping.result_int() == 200);
    CHECK(ping["Docker-Distribution-API-Version"] == "registry/2.0");

    const header_list accept{{"Accept", "application/vnd.oci.image.manifest.v1+json"}};
    auto get = http_fetch(http::verb::get, base + "/manifests/1", {}, accept);
    REQUIRE(get.result_int() == 200);
    CHECK("sha256:" + sha256_hex(get.body()) == image.manifest_digest);
    CHECK(get["Docker-Content-Digest"] == image.manifest_digest);
    CHECK(get[http::field::content_type] == "application/vnd.oci.image.manifest.v1+json");
    auto head = http_fetch(http::verb::head, base + "/manifests/" + image.manifest_digest, {}, accept);
    CHECK(head.result_int() == 200);
    CHECK(head["Docker-Content-Digest"] == image.manifest_digest);
    CHECK(head[http::field::content_length] == std::to_string(get.body().size()));
    CHECK(head[http::field::content_type] == "application/vnd.oci.image.manifest.v1+json");

    SECTION("blob Range answers")
    {
        const auto layer = image.layer_digests[0];
        const auto size = image.sizes.at(layer);
        auto whole = http_fetch(http::verb::get, base + "/blobs/" + layer);
        REQUIRE(whole.result_int() == 200);
        REQUIRE(whole.body().size() == size);
        CHECK(whole["Docker-Content-Digest"] == layer);
        auto range = [&](const std::string& spec) {
            return http_fetch(http::verb::get, base + "/blobs/" + layer, {}, {{"Range", spec}});
        };
        auto mid = range("bytes=500-1499");
        CHECK(mid.result_int() == 206);
        CHECK(mid.body() == whole.body().substr(500, 1000));
        CHECK(mid[http::field::content_range] == "bytes 500-1499/" + std::to_string(size));
        auto tail = range("bytes=500-");
        CHECK(tail.result_int() == 206);
        CHECK(tail.body() == whole.body().substr(500));
        auto suffix = range("bytes=-500");
        CHECK(suffix.result_int() == 206);
        CHECK(suffix.body() == whole.body().substr(size - 500));
        CHECK(suffix[http::field::content_range] ==
              "bytes " + std::to_string(size - 500) + "-" + std::to_string(size - 1) + "/" + std::to_string(size));
        auto beyond = range("bytes=" + std::to_string(size) + "-");
        CHECK(beyond.result_int() == 416);
        CHECK(beyond[http::field::content_range] == "bytes */" + std::to_string(size));
        CHECK(range("bytes=9-3").result_int() == 416);
        auto blob_head = http_fetch(http::verb::head, base + "/blobs/" + layer);
        CHECK(blob_head.result_int() == 200);
        CHECK(blob_head[http::field::content_length] == std::to_string(size));
        CHECK(up.blob_gets(layer) == 1);
    }
    SECTION("a Range asked while the blob is still downloading is served from the partial file")
    {
        const auto layer = image.layer_digests[0];
        auto part = http_fetch(http::verb::get, base + "/blobs/" + layer, {}, {{"Range", "bytes=10-19"}});
        CHECK(part.result_int() == 206);
        CHECK(part.body().size() == 10);
        auto whole = http_fetch(http::verb::get, base + "/blobs/" + layer);
        CHECK(part.body() == whole.body().substr(10, 10));
        CHECK(up.blob_gets(layer) == 1);
    }
    SECTION("tags list with n, last and Link")
    {
        auto all = http_fetch(http::verb::get, base + "/tags/list");
        REQUIRE(all.result_int() == 200);
        auto tags = json::parse(all.body()).at("tags").as_array();
        CHECK(tags.size() == 3);
        auto first = http_fetch(http::verb::get, base + "/tags/list?n=2");
        CHECK(json::parse(first.body()).at("tags").as_array() == json::array{"1", "2"});
        CHECK(first[http::field::link] == "</v2/app/tags/list?n=2&last=2>; rel=\"next\"");
        auto next = http_fetch(http::verb::get, base + "/tags/list?n=2&last=2");
        CHECK(json::parse(next.body()).at("tags").as_array() == json::array{"3"});
        CHECK(next[http::field::link].empty());
        // Paging through ns= (containerd's way of naming the upstream) stays on that upstream.
        auto by_ns = http_fetch(http::verb::get, base + "/tags/list?n=2&ns=" + up.address());
        CHECK(json::parse(by_ns.body()).at("tags").as_array() == json::array{"1", "2"});
        auto escaped = up.address();
        escaped.replace(escaped.find(':'), 1, "%3A");
        REQUIRE(by_ns[http::field::link] == "</v2/app/tags/list?ns=" + escaped + "&n=2&last=2>; rel=\"next\"");
        auto link = std::string(by_ns[http::field::link]);
        auto by_ns_next = http_fetch(http::verb::get, mirror.url() + link.substr(1, link.find('>') - 1));
        CHECK(json::parse(by_ns_next.body()).at("tags").as_array() == json::array{"3"});
        auto bad = http_fetch(http::verb::get, base + "/tags/list?n=x");
        CHECK(bad.result_int() == 400);
        CHECK(error_code_of(bad) == "PAGINATION_NUMBER_INVALID");
    }
    SECTION("referrers are an empty index when the upstream has none")
    {
        auto r = http_fetch(http::verb::get, base + "/referrers/" + image.manifest_digest);
        CHECK(r.result_int() == 200);
        CHECK(r[http::field::content_type] == "application/vnd.oci.image.index.v1+json");
        auto doc = json::parse(r.body());
        CHECK(doc.at("manifests").as_array().empty());
        CHECK(doc.at("schemaVersion").as_int64() == 2);
    }
    SECTION("errors in the spec's shape, writes refused")
    {
        auto missing_tag = http_fetch(http::verb::get, base + "/manifests/nope", {}, accept);
        CHECK(missing_tag.result_int() == 404);
        CHECK(error_code_of(missing_tag) == "MANIFEST_UNKNOWN");
        auto missing_blob = http_fetch(http::verb::get, base + "/blobs/sha256:" + std::string(64, '0'));
        CHECK(missing_blob.result_int() == 404);
        CHECK(error_code_of(missing_blob) == "BLOB_UNKNOWN");
        auto bad_name = http_fetch(http::verb::get, mirror.url() + "/v2/Bad/manifests/1");
        CHECK(bad_name.result_int() == 400);
        CHECK(error_code_of(bad_name) == "NAME_INVALID");
        for (auto verb : {http::verb::put, http::verb::post, http::verb::patch, http::verb::delete_}) {
            auto w = http_fetch(verb, base + "/manifests/1", "{}", {{"Content-Type", "application/json"}});
            CHECK(w.result_int() == 405);
            CHECK(error_code_of(w) == "UNSUPPORTED");
        }
        auto upload = http_fetch(http::verb::post, base + "/blobs/uploads/");
        CHECK(upload.result_int() == 405);
        // Nothing was written upstream either.
        for (const auto& r : up.proxy().requests()) CHECK((r.method == "GET" || r.method == "HEAD"));
    }
}

TEST_CASE("bad options: one line on stderr, usage errors exit 2, the cache is not created", "[mirror][usage]")
{
    temp_dir work("lading-mirror-usage-");
    const auto cache = (work / "cache").string();
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), mirror_binary().string());
        return run_process(args, std::chrono::seconds(30));
    };
    struct bad {
        std::vector<std::string> args;
        int status;
    };
    for (const auto& b : std::vector<bad>{
             {{"--cache", cache}, 2},
             {{"--upstream", "ftp://x", "--cache", cache}, 2},
             {{"--upstream", "http://127.0.0.1:1", "--cache", cache, "--listen", "127.0.0.1:99999"}, 2},
             {{"--upstream", "http://127.0.0.1:1", "--cache", cache, "--max-size", "lots"}, 2},
             {{"--upstream", "http://127.0.0.1:1", "--cache", cache, "--tag-ttl", "soon"}, 2},
             {{"--upstream", "http://127.0.0.1:1", "--cache", cache, "--bogus"}, 2},
             // Tag records spell ':' as '_': these two names would mix their tags.
             {{"--upstream", "http://127.0.0.1:1", "--upstream", "127.0.0.1_1=http://127.0.0.1:2", "--cache", cache,
               "--listen", "127.0.0.1:0"}, 2},
             {{"--upstream", "team/reg=http://127.0.0.1:1", "--cache", cache, "--listen", "127.0.0.1:0"}, 2},
             {{"--upstream", "http://127.0.0.1:1", "--cache", cache, "--variant", "nope", "--listen", "127.0.0.1:0"}, 2},
             {{"--upstream", "http://127.0.0.1:1", "--cache", cache, "--htpasswd", (work / "missing").string(),
               "--listen", "127.0.0.1:0"},
              1},
         }) {
        auto r = run(b.args);
        INFO(r.describe());
        CHECK(r.exit_code == b.status);
        CHECK(r.err.find("lading-mirror: ") == 0);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK_FALSE(std::filesystem::exists(cache));
    }
    auto help = run({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("--upstream") != std::string::npos);
}
