// The server component embedded the way a program links lading::core: it runs on the test's
// own io_context (run by the test's own thread), installs no signal handler, and stops through
// its method.
#include "mirror_fixture.hpp"

#include "common/sha256.hpp"
#include "registry_fixtures/http_client.hpp"

#include <lading/mirror/mirror_server.hpp>
#include <lading/plugin/catalog.hpp>

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <csignal>
#include <mutex>
#include <thread>

using namespace lading::test;
namespace http = boost::beast::http;

TEST_CASE("the mirror server runs on an embedder's io_context", "[mirror][embedding]")
{
    temp_dir work("lading-mirror-embed-");
    counted_upstream up;
    auto image = push_image(work.path(), up.registry().address(), "app:1", {1 << 20}, 15);

    lading::plugin::catalog plugins({LADING_PLUGIN_DIR});
    std::mutex log_mutex;
    std::vector<std::string> log;
    lading::mirror::server_options options;
    options.listen = "127.0.0.1:0";
    options.upstreams = {{up.address(), up.url()}};
    options.cache = work / "cache";
    options.log = [&](std::string_view line) {
        std::lock_guard lock(log_mutex);
        log.emplace_back(line);
    };
    struct sigaction before {};
    sigaction(SIGTERM, nullptr, &before);
    boost::asio::io_context io;
    lading::mirror::server server(io.get_executor(), plugins, options);
    server.start();
    const auto base = "http://127.0.0.1:" + std::to_string(server.local_endpoint().port()) + "/v2/app";
    std::thread runner([&] { io.run(); });

    auto m = http_fetch(http::verb::get, base + "/manifests/1", {}, {{"Accept", "application/vnd.oci.image.manifest.v1+json"}});
    CHECK(m.result_int() == 200);
    CHECK(m["Docker-Content-Digest"] == image.manifest_digest);
    auto b = http_fetch(http::verb::get, base + "/blobs/" + image.layer_digests[0]);
    CHECK(b.result_int() == 200);
    CHECK("sha256:" + sha256_hex(b.body()) == image.layer_digests[0]);
    // The server installed no handler: SIGTERM's disposition is the one the test had.
    struct sigaction during {};
    sigaction(SIGTERM, nullptr, &during);
    CHECK(during.sa_handler == before.sa_handler);

    server.stop();
    runner.join();  // run() returns: nothing of the server is left on the io_context
    CHECK(server.metrics_text().find("lading_mirror_requests_total 2") != std::string::npos);
    std::lock_guard lock(log_mutex);
    REQUIRE(log.size() == 2);
    CHECK(log[1].find("\"GET /v2/app/blobs/" + image.layer_digests[0] + "\" 200") != std::string::npos);
}
