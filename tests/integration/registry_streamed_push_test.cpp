// Layers streamed to the registry while they are compressed (push=true): one PATCH with a
// chunked body per layer and repository, through a fault proxy that records them, read back by skopeo, with the same digests as an
// export to a store; the push sends the other blobs while the registry still takes a layer;
// a PATCH broken off mid-body and a registry answering 500 to the final PUT either end in a
// complete push (the layer built again and uploaded by the push) or in one error line with no tag.
#include <catch2/catch.hpp>

#include "common/image_view.hpp"
#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_fixtures/test_ca.hpp"
#include "registry_fixtures/token_server.hpp"
#include "registry_support.hpp"
#include "streamed_tree.hpp"
#include "support.hpp"

#include <algorithm>
#include <csignal>
#include <thread>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

std::size_t count_requests(const fault_proxy& proxy, const std::string& method, const std::string& part)
{
    auto all = proxy.requests();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](const proxied_request& r) {
        return r.method == method && r.target.find(part) != std::string::npos;
    }));
}

// Where in the proxy's log each request with `method` whose target contains `part` is.
std::vector<std::ptrdiff_t> positions(const fault_proxy& proxy, const std::string& method, const std::string& part)
{
    const auto all = proxy.requests();
    std::vector<std::ptrdiff_t> found;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].method == method && all[i].target.find(part) != std::string::npos)
            found.push_back(static_cast<std::ptrdiff_t>(i));
    return found;
}

}  // namespace

TEST_CASE("a push streams each new layer while it is built, with the digests of a store export",
          "[registry][streamed]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto in_store = export_ok(streamed_tree_export(work.path(), "type=image,name=local:1,oci-mediatypes=true"));
    const auto name = proxy.address() + "/streamed/app";

    SECTION("store=false: one streamed PATCH, no blob in any store")
    {
        auto req = streamed_tree_export(work.path(), "type=registry,name=" + name + ":1,store=false,oci-mediatypes=true");
        req.store = work.path() / "untouched";
        auto meta = export_ok(req);
        CHECK_FALSE(fs::exists(req.store));
        CHECK(meta.digest == in_store.digest);
        CHECK(count_requests(proxy, "PATCH", "/v2/streamed/app/blobs/uploads/") == 1);
        require_read_back(registry, "streamed/app:1", in_store.digest, work.path() / "copy");
    }
    SECTION("store=true: the store gets the same blobs as the registry")
    {
        auto req = streamed_tree_export(work.path(), "type=image,name=" + name + ":2,push=true,oci-mediatypes=true");
        req.store = work.path() / "second-store";
        auto meta = export_ok(req);
        CHECK(meta.digest == in_store.digest);
        CHECK(count_requests(proxy, "PATCH", "/blobs/uploads/") == 1);
        CHECK(find_listed(list_images(req.store), name + ":2").has_value());
        require_read_back(registry, "streamed/app:2", in_store.digest, work.path() / "copy");
    }
    SECTION("gzip and zstd outputs to two repositories each get their layer")
    {
        auto req = streamed_tree_export(work.path(), "type=registry,\"name=" + name + ":3," + proxy.address() +
                                                         "/streamed/other:3\",store=false");
        req.outputs.push_back("type=registry,name=" + name + ":zstd,store=false,compression=zstd");
        auto r = run_export(req);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(count_requests(proxy, "PATCH", "/v2/streamed/other/blobs/uploads/") == 1);
        CHECK(count_requests(proxy, "PATCH", "/v2/streamed/app/blobs/uploads/") == 2);  // gzip and zstd
        CHECK(skopeo_digest(registry.address() + "/streamed/app:3", {"--tls-verify=false"}) ==
              skopeo_digest(registry.address() + "/streamed/other:3", {"--tls-verify=false"}));
        require_skopeo_copy_intact(registry.address() + "/streamed/other:3", work.path() / "copy-other");
        require_skopeo_copy_intact(registry.address() + "/streamed/app:zstd", work.path() / "copy-zstd");
    }
}

TEST_CASE("a streamed upload broken mid-PATCH or refused at its PUT is recovered or fails cleanly",
          "[registry][streamed]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto expected = export_ok(streamed_tree_export(work.path(), "type=image,name=local:1")).digest;
    const auto name = proxy.address() + "/faulty/app";

    SECTION("a PATCH dropped after part of its body: the layer is uploaded again, the push completes")
    {
        proxy.drop_requests("PATCH", "/blobs/uploads/", 1, 1 << 20);
        auto dreq = streamed_tree_export(work.path(), "type=registry,name=" + name + ":1,store=false");
        dreq.progress = "plain";
        auto r = run_export(dreq);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        // registry 2.8 forgets an upload whose PATCH broke off: the stream gives up with a
        // warning, and the push builds the layer again (store=false kept no copy) and uploads it.
        CHECK(r.err.find("warning: streaming layer") != std::string::npos);
        CHECK(r.err.find("building layer " + (work.path() / "streamed-tree").string() + " (gzip) again") !=
              std::string::npos);
        auto meta = read_export_metadata(dreq.metadata_file);
        CHECK(proxy.pending_scripts() == 0);
        CHECK(meta.digest == expected);
        require_read_back(registry, "faulty/app:1", expected, work.path() / "copy");
    }
    SECTION("the answer to the final PUT lost after the registry took the blob: nothing is built again")
    {
        proxy.cut_responses("PUT", "/blobs/uploads/", 1, 0);
        auto dreq = streamed_tree_export(work.path(), "type=registry,name=" + name + ":4,store=false");
        dreq.progress = "plain";
        auto r = run_export(dreq);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(proxy.pending_scripts() == 0);
        CHECK(r.err.find("again") == std::string::npos);
        CHECK(read_export_metadata(dreq.metadata_file).digest == expected);
        require_read_back(registry, "faulty/app:4", expected, work.path() / "copy");
    }
    SECTION("a 500 on the final PUT is retried")
    {
        proxy.answer_500("PUT", "/blobs/uploads/", 2);
        auto meta = export_ok(streamed_tree_export(work.path(), "type=registry,name=" + name + ":2,store=false"));
        CHECK(proxy.pending_scripts() == 0);
        require_read_back(registry, "faulty/app:2", expected, work.path() / "copy");
    }
    SECTION("a registry that always answers 500 to the PUT: one error line, no tag")
    {
        proxy.answer_500("PUT", "/blobs/uploads/", 1000);
        auto r = run_export(streamed_tree_export(work.path(), "type=registry,name=" + name + ":3,store=false"));
        CHECK(r.exit_code == 1);
        auto lines = split_lines(r.err);
        REQUIRE_FALSE(lines.empty());
        CHECK(lines.back().find("HTTP 500") != std::string::npos);
        CHECK(lines.back().find(name + ":3") != std::string::npos);
        CHECK(count_requests(proxy, "PUT", "/manifests/") == 0);
        auto tag = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false",
                                "docker://" + registry.address() + "/faulty/app:3"});
        CHECK(tag.exit_code != 0);
    }
}

TEST_CASE("the push sends the image's other blobs while the registry still takes a streamed layer",
          "[registry][streamed]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = export_tree_to_store(work.path());
    const auto& in_store = tree.meta;
    const auto& layer_hex = tree.layer_hex;
    const auto& config_hex = tree.config_hex;
    // The PUT that closes the streamed layer is held until the config's PUT went through: a
    // push that waited for the layer before sending the config holds it the full 10 s.
    proxy.hold_requests_until("PUT", "/blobs/uploads/", closing_query(layer_hex), 1, "PUT", closing_query(config_hex),
                              std::chrono::seconds(10));

    const auto name = proxy.address() + "/overlap/app";
    auto meta = export_ok(streamed_tree_export(work.path(), "type=registry,name=" + name + ":1,store=false,oci-mediatypes=true"));
    CHECK(meta.digest == in_store.digest);
    CHECK(proxy.pending_scripts() == 0);

    const auto layer_put = positions(proxy, "PUT", layer_hex);
    const auto config_put = positions(proxy, "PUT", config_hex);
    const auto manifest_put = positions(proxy, "PUT", "/v2/overlap/app/manifests/");
    REQUIRE(layer_put.size() == 1);
    REQUIRE(config_put.size() == 1);
    REQUIRE(manifest_put.size() == 1);
    CHECK(config_put[0] < layer_put[0]);  // the config went up while the layer's PUT was held
    CHECK(manifest_put[0] > layer_put[0]);  // the manifest only once the registry holds every blob
    CHECK(count_requests(proxy, "PATCH", "/v2/overlap/app/blobs/uploads/") == 1);
    require_read_back(registry, "overlap/app:1", in_store.digest, work.path() / "copy");
}

TEST_CASE("a layer built twice (two identical trees) is streamed twice and the push waits for both",
          "[registry][streamed]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    for (const auto* twin : {"a", "b"}) {
        fs::create_directories(work / twin);
        write_random_file(work / twin / "data.bin", 2 << 20, 21);
    }
    export_request req{.layers = {work / "a", work / "b"},
                       .outputs = {"type=image,name=local:1,rewrite-timestamp=true"},
                       .store = work / "store",
                       .metadata_file = work / "meta.json",
                       .env = {{"SOURCE_DATE_EPOCH", "1700000000"}}};
    const auto in_store = export_ok(req);
    const auto image = read_image(work / "store", in_store.digest);
    REQUIRE(image.layer_digests.size() == 2);
    REQUIRE(image.layer_digests[0] == image.layer_digests[1]);
    const auto layer = closing_query(image.layer_digests[0].substr(7));
    // One stream's closing PUT waits for the config's; the other's is held 2 s more: a push
    // that took the first stream's answer for both would put the manifest before it.
    proxy.hold_requests_until("PUT", "/blobs/uploads/", layer, 1, "PUT", closing_query(in_store.config_digest.substr(7)),
                              std::chrono::seconds(10));
    proxy.hold_requests_until("PUT", "/blobs/uploads/", layer, 1, "NONE", "^$", std::chrono::seconds(2));

    const auto name = proxy.address() + "/twins/app";
    req.outputs = {"type=registry,name=" + name + ":1,store=false,rewrite-timestamp=true"};
    req.progress = "plain";
    auto r = run_export(req);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("warning") == std::string::npos);
    CHECK(proxy.pending_scripts() == 0);
    CHECK(count_requests(proxy, "PATCH", "/v2/twins/app/blobs/uploads/") == 2);
    const auto layer_puts = positions(proxy, "PUT", image.layer_digests[0].substr(7));
    const auto manifest_put = positions(proxy, "PUT", "/v2/twins/app/manifests/");
    REQUIRE(layer_puts.size() == 2);
    REQUIRE(manifest_put.size() == 1);
    CHECK(manifest_put[0] > layer_puts[1]);
    require_read_back(registry, "twins/app:1", in_store.digest, work.path() / "copy");
}

TEST_CASE("SIGINT while the push waits for a streamed layer stops it at once, with no tag and no spool",
          "[registry][streamed]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = export_tree_to_store(work.path());
    const auto& config_hex = tree.config_hex;
    // The layer's closing PUT never reaches the registry: the push waits for that stream.
    proxy.hold_requests_until("PUT", "/blobs/uploads/", closing_query(tree.layer_hex), 1, "NONE", "^$",
                              std::chrono::seconds(60));
    const auto tmp = work / "tmp";
    fs::create_directories(tmp);
    auto req = streamed_tree_export(work.path(), "type=registry,name=" + proxy.address() + "/stopped/app:1,store=false");
    req.env["TMPDIR"] = tmp.string();
    req.progress = "plain";
    auto child = lading_cmd().start(export_argv(req), req.env);

    // Once the config is up, the push has nothing left but the wait for the layer.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (positions(proxy, "PUT", config_hex).empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE_FALSE(positions(proxy, "PUT", config_hex).empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    REQUIRE(child.running());
    const auto signalled = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    auto result = child.wait_for(std::chrono::seconds(20));
    INFO(result.describe());
    CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(3));
    CHECK(result.exit_code == 1);
    auto lines = split_lines(result.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find("interrupted") != std::string::npos);
    CHECK(result.err.find("warning: streaming layer") == std::string::npos);
    CHECK(positions(proxy, "PUT", "/manifests/").empty());
    CHECK(fs::is_empty(tmp));  // the push spool is gone
}

TEST_CASE("a Bearer push asks the token server once: the push takes the token its layer's stream got",
          "[registry][streamed]")
{
    temp_dir work;
    test_ca ca(work / "pki");
    token_server tokens(robot_tokens(ca));
    registry_server registry({.token = token_auth_for(tokens, ca)});
    // The layer takes long enough to build that its stream has its token before the push starts.
    auto req = streamed_tree_export(work.path(), "type=registry,name=" + registry.address() + "/team/shared:1,store=false");
    req.env["DOCKER_CONFIG"] = write_docker_config(work / "docker", registry.address(), "robot", "tok-pw").string();
    auto meta = export_ok(req);

    std::size_t push_scope_tokens = 0;
    for (const auto& r : tokens.requests())
        for (const auto& s : r.scopes)
            push_scope_tokens += s == "repository:team/shared:pull,push" && r.user == "robot" && r.status == 200;
    CHECK(push_scope_tokens == 1);
    CHECK(skopeo_digest(registry.address() + "/team/shared:1", {"--tls-verify=false", "--creds", "robot:tok-pw"}) ==
          meta.digest);
}
