// Push progress as users see it: the real binary pushes to a real docker-registry and its
// --progress output names every config and layer blob of the pushed manifest (read back from
// the registry by skopeo), with how each one got there.
#include <catch2/catch.hpp>

#include "common/json_file.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <map>

using namespace lading::test;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// The config and layer digests of the manifest the registry holds for REF, as skopeo reads it.
std::vector<std::string> pushed_blobs(const std::string& ref)
{
    auto r = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    auto manifest = parse_json(r.out, "skopeo inspect --raw");
    std::vector<std::string> blobs{std::string(manifest.at("config").at("digest").as_string())};
    for (const auto& l : manifest.at("layers").as_array()) blobs.emplace_back(l.at("digest").as_string());
    return blobs;
}

// rawjson push events by digest: event name -> the events of that blob, in order.
std::map<std::string, std::vector<boost::json::object>> push_events(const std::string& err)
{
    std::map<std::string, std::vector<boost::json::object>> by_digest;
    for (const auto& line : split_lines(err)) {
        auto event = parse_json(line, "a rawjson progress line").as_object();
        auto name = std::string(event.at("event").as_string());
        if (name.starts_with("push_")) by_digest[std::string(event.at("digest").as_string())].push_back(event);
    }
    return by_digest;
}

}  // namespace

TEST_CASE("a push reports every blob it pushes, in plain and rawjson progress", "[registry][progress]")
{
    temp_dir work;
    registry_server registry;
    make_small_tree(work / "tree");
    fs::create_directories(work / "extra");
    std::ofstream(work / "extra" / "data") << std::string(300000, 'x') << "end\n";

    const auto ref = registry.address() + "/team/progress:1";
    export_request req;
    req.layers = {work / "tree", work / "extra"};
    req.outputs = {"type=registry,name=" + ref};
    req.store = work / "store";
    req.metadata_file = work / "meta.json";
    req.progress = "plain";
    req.env["SOURCE_DATE_EPOCH"] = "1700000000";
    req.env["LADING_CACHE_DIR"] = (work / "cache").string();
    auto first = run_export(req);
    require_success(first);
    INFO("stderr:\n" << first.err);

    const auto blobs = pushed_blobs(ref);
    REQUIRE(blobs.size() == 3);  // the config and two layers
    for (const auto& blob : blobs) {
        CHECK(contains(first.err, "push " + blob + " to " + ref + ": started\n"));
        CHECK(contains(first.err, "push " + blob + " to " + ref + ": uploaded ("));
    }

    SECTION("rawjson: started, then done, for each blob; a second push finds every blob there")
    {
        req.progress = "rawjson";
        req.outputs = {"type=registry,name=" + registry.address() + "/team/progress:2"};
        auto again = run_export(req);
        require_success(again);
        INFO("stderr:\n" << again.err);
        auto events = push_events(again.err);
        CHECK(events.size() == blobs.size());
        for (std::size_t i = 0; i < blobs.size(); ++i) {
            INFO("blob " << blobs[i]);
            const auto& e = events[blobs[i]];
            REQUIRE(e.size() >= 2);
            CHECK(e.front().at("event") == "push_started");
            CHECK(e.back().at("event") == "push_done");
            CHECK(e.back().at("target").as_string() == registry.address() + "/team/progress:2");
            CHECK(e.front().at("size") == e.back().at("size"));
            // The config, known beforehand, is found there; so are the layers of the
            // unchanged trees, which the first push's hints kept from being streamed again.
            CHECK(e.back().at("outcome") == "already there");
        }
    }
    SECTION("rawjson: an upload reports the bytes sent")
    {
        req.progress = "rawjson";
        req.outputs = {"type=registry,name=" + registry.address() + "/other/progress:1"};
        auto fresh = run_export(req);
        require_success(fresh);
        INFO("stderr:\n" << fresh.err);
        auto events = push_events(fresh.err);
        for (const auto& blob : blobs) {
            INFO("blob " << blob);
            const auto& e = events[blob];
            REQUIRE(e.size() >= 3);
            CHECK(e.front().at("event") == "push_started");
            CHECK(e[e.size() - 2].at("event") == "push_progress");
            CHECK(e[e.size() - 2].at("sent") == e.front().at("size"));  // every byte, by the end
            CHECK(e.back().at("event") == "push_done");
            CHECK(e.back().at("outcome") == "uploaded");
        }
    }
}
