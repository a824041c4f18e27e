// A registry behind nginx that caps request bodies (client_max_body_size): a blob the proxy
// refuses in one request (413) goes up in chunks of a size it takes, which is remembered in
// the cache directory, so the next push to that registry streams its layers in such chunks
// and sends nothing the proxy refuses. A cap below the least chunk ends the push with one clear line and no
// tag. A front that refuses before it reads the body, and resets the connection, is
// understood as refusing.
#include <catch2/catch.hpp>

#include "common/image_view.hpp"
#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/nginx_front.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "streamed_tree.hpp"
#include "support.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t mib = 1 << 20;

// A tree of one incompressible file of `size` bytes under work/name.
fs::path random_tree(const fs::path& work, const std::string& name, std::uint64_t size, std::uint64_t seed)
{
    fs::create_directories(work / name);
    write_random_file(work / name / "noise.bin", size, seed);
    return work / name;
}

export_request push_of(const fs::path& work, const fs::path& tree, const std::string& output)
{
    return {.layers = {tree},
            .outputs = {output},
            .store = work / "store",
            .metadata_file = work / (tree.filename().string() + "-meta.json"),
            .env = {{"SOURCE_DATE_EPOCH", "1700000000"},
                    {"LADING_REGISTRY_RETRY_DELAY_MS", "5"},
                    {"LADING_CACHE_DIR", (work / "cache").string()}},
            .progress = "plain"};
}

// The image an export of `tree` to a store gives: its digest and the size of its layer.
struct stored_image {
    std::string digest;
    std::uint64_t layer_size = 0;
};

stored_image export_to_store(const fs::path& work, const fs::path& tree)
{
    auto req = push_of(work, tree, "type=image,name=local/" + tree.filename().string() + ":1");
    stored_image stored{export_ok(req).digest};
    const auto image = read_image(work / "store", stored.digest);
    REQUIRE(image.layers.size() == 1);
    stored.layer_size = image.layers[0].at("size").to_number<std::uint64_t>();
    return stored;
}

std::string file_text(const fs::path& file)
{
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

fs::path chunk_note(const fs::path& work, const nginx_front& front)
{
    auto name = front.address();
    std::replace(name.begin(), name.end(), ':', '_');
    return work / "cache" / "upload-chunks" / name;
}

// The stored tree's layer, pushed from the store, goes up in chunks: its one request is
// refused (413) and its first chunk passes; what happens to the next is the caller's script.
void chunk_after_refusal(fault_proxy& proxy, const stored_tree& tree)
{
    proxy.answer_if_query("PUT", "/blobs/uploads/", closing_query(tree.layer_hex), 1, {.status = 413});
    proxy.hold_requests_until("PATCH", "/blobs/uploads/", "", 1, "NONE", "^$", std::chrono::milliseconds(0));
}

// `lading export` of the store's local:1 to `name` (store=false), and its environment.
std::vector<std::string> push_from_store_args(const fs::path& work, const std::string& name)
{
    return {"export", "--from", "oci-layout://" + (work / "store").string() + ":local:1", "--output",
            "type=registry,name=" + name + ",store=false", "--progress", "plain"};
}

env_overrides push_from_store_env(const fs::path& work)
{
    return {{"LADING_CACHE_DIR", (work / "cache").string()}, {"LADING_REGISTRY_RETRY_DELAY_MS", "5"}};
}

// Writes the note an earlier push to `front` leaves: it took chunks of `chunk` bytes.
void note_chunk_size(const fs::path& work, const nginx_front& front, std::uint64_t chunk)
{
    const auto note = chunk_note(work, front);
    fs::create_directories(note.parent_path());
    std::ofstream(note) << chunk << "\n";
}

// The last line of a push of `name` that failed because the proxy refuses even a chunk of
// `least` ("256 KiB", or the least chunk the registry asks for), naming it as the limit to
// raise to.
void require_cap_refusal(const process_result& r, const std::string& name, const std::string& least)
{
    INFO(r.err);
    CHECK(r.exit_code == 1);
    const auto lines = split_lines(r.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().rfind("lading: failed to push " + name, 0) == 0);
    CHECK(lines.back().find("refuses even " + least) != std::string::npos);
    CHECK(lines.back().find("client_max_body_size) to at least " + least) != std::string::npos);
}

// No PATCH reached the registry behind `front` and was taken there.
void require_no_chunk_taken(const nginx_front& front)
{
    for (const auto& r : front.requests()) {
        INFO(r.method << " " << r.status << " " << r.length << " " << r.content_range);
        CHECK_FALSE((r.method == "PATCH" && r.status == 202));
    }
}

// The chunks nginx passed on (PATCHes answered 202 with a Content-Range) are one upload of
// the layer: `chunk` bytes each from its start, the last one ending at its end.
void require_chunked_layer(const std::vector<nginx_request>& requests, std::uint64_t chunk, std::uint64_t layer_size)
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (const auto& r : requests) {
        if (r.method != "PATCH" || r.status != 202 || r.content_range == "-") continue;
        auto dash = r.content_range.find('-');
        REQUIRE(dash != std::string::npos);
        ranges.emplace_back(std::stoull(r.content_range.substr(0, dash)), std::stoull(r.content_range.substr(dash + 1)));
    }
    std::sort(ranges.begin(), ranges.end());
    REQUIRE(ranges.size() == (layer_size + chunk - 1) / chunk);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        INFO("chunk " << i << ": " << ranges[i].first << "-" << ranges[i].second);
        CHECK(ranges[i].first == i * chunk);
        CHECK(ranges[i].second == std::min((i + 1) * chunk, layer_size) - 1);
    }
}

std::size_t count_status(const std::vector<nginx_request>& requests, unsigned status)
{
    return static_cast<std::size_t>(
        std::count_if(requests.begin(), requests.end(), [&](const nginx_request& r) { return r.status == status; }));
}

}  // namespace

TEST_CASE("a registry behind nginx capping bodies at 1m takes a push in chunks, and the next push is sent nothing it "
          "refuses",
          "[registry][body_cap]")
{
    temp_dir work;
    registry_server registry;
    nginx_front front(registry.address());

    const auto first = random_tree(work.path(), "first", 5 * mib, 31);
    const auto expected_first = export_to_store(work.path(), first);
    auto r = run_export(push_of(work.path(), first, "type=registry,name=" + front.address() + "/capped/one:1,store=false"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("in one request (HTTP 413); it goes up in chunks") != std::string::npos);
    CHECK(read_export_metadata(work.path() / "first-meta.json").digest == expected_first.digest);
    require_read_back(registry, "capped/one:1", expected_first.digest, work.path() / "copy-one");
    require_chunked_layer(front.requests(), mib, expected_first.layer_size);
    CHECK(file_text(chunk_note(work.path(), front)) == std::to_string(mib) + "\n");

    front.forget_requests();
    const auto second = random_tree(work.path(), "second", 5 * mib, 32);
    const auto expected_second = export_to_store(work.path(), second);
    r = run_export(push_of(work.path(), second, "type=registry,name=" + front.address() + "/capped/two:1,store=false"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("took blobs in chunks of 1048576 bytes when lading last pushed to it") != std::string::npos);
    CHECK(r.err.find("warning:") == std::string::npos);
    CHECK(r.err.find(" again") == std::string::npos);
    const auto requests = front.requests();
    CHECK(count_status(requests, 413) == 0);
    require_chunked_layer(requests, mib, expected_second.layer_size);
    // The layer went up in chunks while it was built: the push asks the registry for the
    // config alone, not for a layer it would then upload from the spool.
    CHECK(std::count_if(requests.begin(), requests.end(), [](const nginx_request& r) { return r.method == "HEAD"; }) == 1);
    require_read_back(registry, "capped/two:1", expected_second.digest, work.path() / "copy-two");
}

TEST_CASE("a proxy that refuses even 256 KiB ends the push with one line naming its limit, and tags nothing",
          "[registry][body_cap]")
{
    temp_dir work;
    registry_server registry;
    nginx_front front(registry.address(), {.client_max_body_size = "100k"});
    const auto tree = random_tree(work.path(), "tree", 1 * mib, 33);
    const auto name = front.address() + "/capped/small:1";
    require_cap_refusal(run_export(push_of(work.path(), tree, "type=registry,name=" + name + ",store=false")), name,
                        "256 KiB");
    CHECK_FALSE(fs::exists(chunk_note(work.path(), front)));
    CHECK_FALSE(skopeo_finds_manifest(registry.address() + "/capped/small:1"));
}

TEST_CASE("a refusal sent before the body was read, on a connection then reset, is understood as a refusal",
          "[registry][body_cap]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = export_tree_to_store(work.path());
    // The layer's stream breaks off, so the push sends the layer from the store in one
    // request, which the front refuses at once and then resets, as Go's net/http does.
    proxy.drop_requests("PATCH", "/blobs/uploads/", 1, 1 << 20);
    proxy.answer_if_query("PUT", "/blobs/uploads/", closing_query(tree.layer_hex), 1,
                          {.status = 413, .body = "request body too large", .before_body = true});
    auto req = streamed_tree_export(work.path(), "type=registry,name=" + proxy.address() + "/capped/reset:1,oci-mediatypes=true");
    req.env["LADING_CACHE_DIR"] = (work.path() / "cache").string();
    req.progress = "plain";
    auto r = run_export(req);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(proxy.pending_scripts() == 0);
    CHECK(r.err.find("refused blob sha256:" + tree.layer_hex) != std::string::npos);
    CHECK(r.err.find("in one request (HTTP 413); it goes up in chunks") != std::string::npos);
    require_read_back(registry, "capped/reset:1", tree.meta.digest, work.path() / "copy");
}

TEST_CASE("a 413 to a later chunk of an upload is the registry's own: the push fails with it, nothing is halved",
          "[registry][body_cap]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = export_tree_to_store(work.path());
    // The second chunk is refused.
    chunk_after_refusal(proxy, tree);
    proxy.answer("PATCH", "/blobs/uploads/", 1, {.status = 413, .body = "quota exceeded"});
    auto r = lading_cmd().run(push_from_store_args(work.path(), proxy.address() + "/capped/quota:1"),
                              push_from_store_env(work.path()));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(proxy.pending_scripts() == 0);
    const auto lines = split_lines(r.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find("chunked upload of blob sha256:" + tree.layer_hex) != std::string::npos);
    CHECK(lines.back().find("413") != std::string::npos);
    CHECK(lines.back().find("caps request bodies") == std::string::npos);
    CHECK(count_requests(proxy, 0, "PATCH", {"/blobs/uploads/"}) == 2);
    CHECK_FALSE(fs::exists(work.path() / "cache" / "upload-chunks"));
    CHECK_FALSE(skopeo_finds_manifest(registry.address() + "/capped/quota:1"));
}

TEST_CASE("a registry that asks for chunks larger than its proxy takes: one line naming the least chunk, no tag",
          "[registry][body_cap]")
{
    temp_dir work;
    registry_server registry;
    // The registry asks for 1.5 MiB chunks (OCI-Chunk-Min-Length); its front takes 1 MiB.
    nginx_front front(registry.address(), {.client_max_body_size = "1m", .chunk_min_length = 1536 * 1024});
    const auto tree = random_tree(work.path(), "tree", 5 * mib, 35);

    SECTION("a first push: the layer is halved down to the least chunk, never below it")
    {
        const auto name = front.address() + "/least/first:1";
        require_cap_refusal(run_export(push_of(work.path(), tree, "type=registry,name=" + name + ",store=false")), name,
                            "1536 KiB");
        // Chunks of 1 MiB would pass the front; none was sent.
        require_no_chunk_taken(front);
        CHECK_FALSE(fs::exists(chunk_note(work.path(), front)));
        CHECK_FALSE(skopeo_finds_manifest(registry.address() + "/least/first:1"));
    }
    SECTION("a note from an earlier push says 1 MiB passed: the layer's stream does not send chunks below the least")
    {
        note_chunk_size(work.path(), front, mib);
        const auto name = front.address() + "/least/noted:1";
        require_cap_refusal(run_export(push_of(work.path(), tree, "type=registry,name=" + name + ",store=false")), name,
                            "1536 KiB");
        require_no_chunk_taken(front);
        CHECK_FALSE(skopeo_finds_manifest(registry.address() + "/least/noted:1"));
    }
}

TEST_CASE("SIGINT during a chunked upload stops the push at once: no tag, the source store intact",
          "[registry][body_cap]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto tree = export_tree_to_store(work.path());
    // The second chunk is never answered.
    chunk_after_refusal(proxy, tree);
    proxy.stall_requests("PATCH", "/blobs/uploads/", 1);
    auto child = lading_cmd().start(push_from_store_args(work.path(), proxy.address() + "/chunked/stopped:1"),
                                    push_from_store_env(work.path()));

    // The first chunk was forwarded and answered; the second is on its way.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count_requests(proxy, 0, "PATCH", {"/blobs/uploads/"}) < 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(count_requests(proxy, 0, "PATCH", {"/blobs/uploads/"}) == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(child.running());
    CHECK(proxy.pending_scripts() == 0);  // the second chunk is the stalled one
    const auto signalled = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    auto result = child.wait_for(std::chrono::seconds(20));
    INFO(result.describe());
    CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(3));
    CHECK(result.exit_code == 1);
    const auto lines = split_lines(result.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find("interrupted") != std::string::npos);
    CHECK(count_requests(proxy, 0, "PUT", {"/manifests/"}) == 0);
    CHECK_FALSE(skopeo_finds_manifest(registry.address() + "/chunked/stopped:1"));
    // A chunk size is learnt only from an upload that ended.
    CHECK_FALSE(fs::exists(work.path() / "cache" / "upload-chunks"));
    // The source store is as it was: the image reads back whole.
    const auto image = read_image(work.path() / "store", tree.meta.digest);
    CHECK(image.layers.size() == 1);
}
