// store=false pushes write a layer streamed to every repository it goes to nowhere else:
// the push spool never holds it. A stream that fails has its layer built again from its
// source for the push (gzip, zstd and estargz give the same digest again, read back by
// skopeo), once for every repository that needs it; a source that changed since ends the
// push with an error naming the layer, after one build, and no tag; SIGINT during that build
// stops the push at once.
#include <catch2/catch.hpp>

#include "common/environment_for_scope.hpp"
#include "common/json_file.hpp"
#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "streamed_tree.hpp"
#include "support.hpp"

#include <lading/error.hpp>
#include <lading/export/exporter.hpp>
#include <lading/plugin/catalog.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

// What the files under `dir` hold now, and whether one is named `name`; files that vanish
// while they are counted are skipped.
struct files_seen {
    std::uintmax_t bytes = 0;
    bool named = false;
};

files_seen look_under(const fs::path& dir, const std::string& name)
{
    files_seen seen;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code size_ec;
        const auto size = it->is_regular_file(size_ec) ? fs::file_size(it->path(), size_ec) : 0;
        if (!size_ec) seen.bytes += size;
        seen.named = seen.named || it->path().filename() == name;
    }
    return seen;
}

std::size_t occurrences(const std::string& text, const std::string& part)
{
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

// Appends a line to a file of `tree` when the push first reports that a layer's stream
// failed, before the push builds that layer again; counts the builds again.
struct changes_tree_when_a_stream_fails : lading::progress_listener {
    fs::path tree;
    std::atomic<bool> changed = false;
    std::atomic<int> builds_again = 0;
    void step(std::string_view message) override
    {
        if (message.find("building layer") != std::string_view::npos) ++builds_again;
        if (message.find("warning: streaming layer") == std::string_view::npos || changed.exchange(true)) return;
        std::ofstream(tree / "data" / "words.txt", std::ios::app) << "one more line\n";
    }
};

}  // namespace

TEST_CASE("a store=false push keeps no copy of a layer it streamed: the spool never holds it",
          "[registry][streamed][unkept]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = export_tree_to_store(work.path());
    // The layer's stream is held at its close for a while, so that the push runs on with
    // the layer built and every other blob written.
    proxy.hold_requests_until("PUT", "/blobs/uploads/", closing_query(tree.layer_hex), 1, "NONE", "^$",
                              std::chrono::milliseconds(1500));
    const auto tmp = work / "tmp";
    fs::create_directories(tmp);
    auto req = streamed_tree_export(work.path(), "type=registry,name=" + proxy.address() + "/unkept/app:1,store=false,oci-mediatypes=true");
    req.env["TMPDIR"] = tmp.string();
    auto child = lading_cmd().start(export_argv(req), req.env);

    files_seen most;
    while (child.running()) {
        const auto now = look_under(tmp, tree.layer_hex);
        most.bytes = std::max(most.bytes, now.bytes);
        most.named = most.named || now.named;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto result = child.wait_for(std::chrono::seconds(5));
    INFO(result.describe());
    REQUIRE(result.exit_code == 0);
    CHECK_FALSE(most.named);
    CHECK(most.bytes < (1u << 20));  // the config and manifest; the layer is over 10 MiB
    CHECK(fs::is_empty(tmp));
    require_read_back(registry, "unkept/app:1", tree.meta.digest, work.path() / "copy");
}

TEST_CASE("a layer whose stream failed is built again for the push, with the same digest in every compression",
          "[registry][streamed][unkept]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto layer_label = (work.path() / "streamed-tree").string();

    for (const std::string compression : {"gzip", "zstd", "estargz"}) {
        DYNAMIC_SECTION(compression)
        {
            const auto expected = export_tree_to_store(work.path(), "compression=" + compression).meta.digest;
            proxy.drop_requests("PATCH", "/blobs/uploads/", 1, 1 << 20);
            auto req = streamed_tree_export(work.path(), "type=registry,name=" + proxy.address() + "/again/" +
                                                             compression + ":1,store=false,compression=" + compression);
            req.progress = "plain";
            auto r = run_export(req);
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            CHECK(proxy.pending_scripts() == 0);
            CHECK(occurrences(r.err, "building layer " + layer_label + " (" + compression + ") again") == 1);
            CHECK(read_export_metadata(req.metadata_file).digest == expected);
            require_read_back(registry, "again/" + compression + ":1", expected, work.path() / ("copy-" + compression));
        }
    }
    SECTION("both streams of a layer pushed to two repositories fail: it is built again once")
    {
        const auto expected = export_tree_to_store(work.path()).meta.digest;
        // A rule for each repository: a stream whose PATCH broke off tries it once more.
        proxy.drop_requests("PATCH", "^/v2/twice/one/blobs/uploads/", 1, 1 << 20);
        proxy.drop_requests("PATCH", "^/v2/twice/two/blobs/uploads/", 1, 1 << 20);
        auto req = streamed_tree_export(work.path(), "type=registry,\"name=" + proxy.address() + "/twice/one:1," +
                                                         proxy.address() + "/twice/two:1\",store=false,oci-mediatypes=true");
        req.progress = "plain";
        auto r = run_export(req);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(proxy.pending_scripts() == 0);
        CHECK(occurrences(r.err, "warning: streaming layer") == 2);
        CHECK(occurrences(r.err, "building layer " + layer_label + " (gzip) again") == 1);
        require_read_back(registry, "twice/one:1", expected, work.path() / "copy-one");
        require_read_back(registry, "twice/two:1", expected, work.path() / "copy-two");
    }
}

TEST_CASE("a layer whose source changed after its streams failed ends the push with an error naming it, built again "
          "once, and no tag",
          "[registry][streamed][unkept]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = work.path() / "streamed-tree";
    streamed_tree_export(work.path(), "type=image");  // makes the tree
    // Both repositories lose their stream; a rule each, as a stream tries its PATCH once more.
    proxy.drop_requests("PATCH", "^/v2/changed/one/blobs/uploads/", 1, 1 << 20);
    proxy.drop_requests("PATCH", "^/v2/changed/two/blobs/uploads/", 1, 1 << 20);

    lading::export_request request;
    request.layers = {{.path = tree, .only = std::nullopt}};
    request.platforms = {lading::platform::parse("linux/amd64")};
    request.source_date_epoch = 1700000000;
    request.store_location = work.path() / "untouched";
    request.outputs = {lading::parse_output_spec("type=registry,\"name=" + proxy.address() + "/changed/one:1," +
                                                 proxy.address() + "/changed/two:1\",store=false")};
    lading::plugin::catalog plugins({LADING_TEST_PLUGIN_DIR});
    const environment_for_scope push_hints("LADING_CACHE_DIR", (work.path() / "cache").string());
    changes_tree_when_a_stream_fails progress;
    progress.tree = tree;

    std::string failure;
    try {
        lading::run_export(request, plugins, progress);
    } catch (const lading::error& e) {
        failure = e.what();
    }
    INFO(failure);
    CHECK(progress.changed);
    CHECK(progress.builds_again == 1);  // the second repository is given the first build's failure
    CHECK(failure.find("layer " + tree.string() + " (gzip) changed while it was pushed") != std::string::npos);
    CHECK(failure.find('\n') == std::string::npos);
    CHECK_FALSE(fs::exists(request.store_location));
    const auto all = proxy.requests();
    CHECK(std::none_of(all.begin(), all.end(), [](const proxied_request& r) {
        return r.method == "PUT" && r.target.find("/manifests/") != std::string::npos;
    }));
    for (const auto* repository : {"/changed/one:1", "/changed/two:1"})
        CHECK_FALSE(skopeo_finds_manifest(registry.address() + repository));
}

TEST_CASE("SIGINT while the push builds a layer again stops it at once, with no tag and no spool",
          "[registry][streamed][unkept]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    // A layer that takes seconds to build on one thread at gzip level 9, so that the signal
    // comes while it is built again.
    const auto tree = work / "slow-tree";
    fs::create_directories(tree);
    write_text_file(tree / "words.txt", 48u << 20, 31);
    proxy.drop_requests("PATCH", "/blobs/uploads/", 1, 1 << 20);
    const auto tmp = work / "tmp";
    fs::create_directories(tmp);
    export_request req{.layers = {tree},
                       .outputs = {"type=registry,name=" + proxy.address() + "/stopped/app:1,store=false,compression-level=9"},
                       .store = work / "untouched",
                       .env = {{"SOURCE_DATE_EPOCH", "1700000000"},
                               {"LADING_REGISTRY_RETRY_DELAY_MS", "5"},
                               {"LADING_THREADS", "1"},
                               {"TMPDIR", tmp.string()}},
                       .progress = "plain"};
    auto options = lading_cmd().options(export_argv(req), req.env);
    options.stderr_file = work / "stderr";
    child_process child(options);
    auto building_again = [&] {
        return read_text_file(work / "stderr").find("again for its upload") != std::string::npos;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!building_again() && child.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(building_again());
    REQUIRE(child.running());
    CHECK_FALSE(fs::is_empty(tmp));  // the push spool, where the layer is being built again
    const auto signalled = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    auto result = child.wait_for(std::chrono::seconds(20));
    CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(2));
    CHECK(result.exit_code == 1);
    const auto text = read_text_file(work / "stderr");
    INFO(text);
    const auto lines = split_lines(text);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find("interrupted") != std::string::npos);
    const auto all = proxy.requests();
    CHECK(std::none_of(all.begin(), all.end(), [](const proxied_request& r) {
        return r.method == "PUT" && r.target.find("/manifests/") != std::string::npos;
    }));
    CHECK(fs::is_empty(tmp));  // the push spool is gone
    CHECK_FALSE(fs::exists(req.store));
}
