// A resolved bake target becomes the export request `lading export` would build from the
// same values: layers in order, tags as names, buildx's annotation syntax as output keys.
#include <catch2/catch.hpp>

#include "bake/target_request.hpp"
#include <lading/error.hpp>

using lading::bake::export_request_for;
using lading::bake::request_defaults;
using lading::bake::target;

namespace {

target app()
{
    target t;
    t.name = "app";
    t.context = "/src/rootfs";
    t.layers = {"/src/extra.tar", "linux/arm64=/src/arm-only"};
    t.tags = {"reg.example/app:1", "reg.example/app:latest"};
    return t;
}

std::string usage_error_of(const target& t, const request_defaults& d = {})
{
    try {
        export_request_for(t, d);
    } catch (const lading::usage_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a bake target's context and layers stack in order, platform-only layers kept", "[bake]")
{
    auto r = export_request_for(app(), {});
    REQUIRE(r.layers.size() == 3);
    CHECK(r.layers[0].path == "/src/rootfs");
    CHECK_FALSE(r.layers[0].only);
    CHECK(r.layers[1].path == "/src/extra.tar");
    CHECK(r.layers[2].path == "/src/arm-only");
    REQUIRE(r.layers[2].only);
    CHECK(r.layers[2].only->str() == "linux/arm64");
    CHECK(r.from == "scratch");
}

TEST_CASE("a layer for a platform --set took out of the file's platforms is left out", "[bake]")
{
    auto t = app();
    t.file_platforms = {"linux/amd64", "linux/arm64"};
    t.platforms = {"linux/amd64"};
    auto r = export_request_for(t, {});
    REQUIRE(r.layers.size() == 2);
    CHECK(r.layers[1].path == "/src/extra.tar");

    t.platforms = {"linux/amd64", "linux/arm64"};
    CHECK(export_request_for(t, {}).layers.size() == 3);
}

TEST_CASE("a layer for a platform the file does not build is refused as lading export refuses it", "[bake]")
{
    auto t = app();
    t.platforms = t.file_platforms = {"linux/amd64"};
    CHECK(usage_error_of(t) == "target \"app\": --layer linux/arm64=/src/arm-only names a platform that is not built");
}

TEST_CASE("tags name every output without a name; no output means type=image", "[bake]")
{
    auto t = app();
    SECTION("no output")
    {
        auto r = export_request_for(t, {});
        REQUIRE(r.outputs.size() == 1);
        CHECK_FALSE(r.outputs[0].push);
        CHECK(r.outputs[0].store);
        CHECK(r.outputs[0].names == t.tags);
    }
    SECTION("outputs with and without a name")
    {
        t.outputs = {"type=registry,compression=zstd", "type=image,name=local:1"};
        auto r = export_request_for(t, {});
        REQUIRE(r.outputs.size() == 2);
        CHECK(r.outputs[0].push);
        CHECK(r.outputs[0].compression == "zstd");
        CHECK(r.outputs[0].names == t.tags);
        CHECK(r.outputs[1].names == std::vector<std::string>{"local:1"});
    }
}

TEST_CASE("bake annotations become the output keys buildx's --annotation gives", "[bake]")
{
    auto t = app();
    t.outputs = {"type=image", "type=image,name=other:1"};
    t.annotations = {"org.example.plain=1", "index,manifest:org.example.both=2",
                     "manifest-descriptor[linux/arm64]:org.example.arm=3"};
    auto r = export_request_for(t, {});
    for (const auto& o : r.outputs) {
        CHECK(o.annotations.at("annotation.org.example.plain") == "1");
        CHECK(o.annotations.at("annotation-index.org.example.both") == "2");
        CHECK(o.annotations.at("annotation-manifest.org.example.both") == "2");
        CHECK(o.annotations.at("annotation-manifest-descriptor[linux/arm64].org.example.arm") == "3");
        CHECK(o.annotations.size() == 4);
    }
}

TEST_CASE("image settings, epoch and defaults come from the target first", "[bake]")
{
    auto t = app();
    t.env = {{"B", "2"}, {"A", "1"}};
    t.labels = {{"k", "v"}};
    t.entrypoint = std::vector<std::string>{"/bin/app"};
    t.workdir = "/srv";
    t.user = "1000:1000";
    t.platforms = {"linux/amd64", "linux/arm64"};
    request_defaults d;
    d.store_location = "/store";
    d.threads = 3;
    d.source_date_epoch = 5;
    auto r = export_request_for(t, d);
    CHECK(r.settings.env == std::vector<std::string>{"A=1", "B=2"});
    CHECK(r.settings.labels.at("k") == "v");
    CHECK(r.settings.entrypoint == std::vector<std::string>{"/bin/app"});
    CHECK(r.settings.workdir == "/srv");
    CHECK(r.settings.user == "1000:1000");
    CHECK(r.platforms.size() == 2);
    CHECK(r.store_location == "/store");
    CHECK(r.threads == 3);
    CHECK(r.source_date_epoch == 5);
    t.source_date_epoch = "1700000000";
    CHECK(export_request_for(t, d).source_date_epoch == 1700000000);
}

TEST_CASE("a bad bake target value is a usage error naming the target", "[bake]")
{
    auto t = app();
    SECTION("annotation type")
    {
        t.annotations = {"layer:org.example.x=1"};
        auto message = usage_error_of(t);
        CHECK(message.starts_with("target \"app\": "));
        CHECK(message.find("unknown annotation type \"layer\"") != std::string::npos);
    }
    SECTION("annotation without a value")
    {
        t.annotations = {"org.example.x"};
        CHECK(usage_error_of(t).find("expected key=value") != std::string::npos);
    }
    SECTION("source-date-epoch")
    {
        t.source_date_epoch = "yesterday";
        CHECK(usage_error_of(t).find("invalid source-date-epoch \"yesterday\"") != std::string::npos);
    }
    SECTION("output")
    {
        t.outputs = {"type=local,dest=out"};
        CHECK(usage_error_of(t).starts_with("target \"app\": invalid --output"));
    }
    SECTION("nothing to export")
    {
        t.context.reset();
        t.layers.clear();
        CHECK(usage_error_of(t).find("nothing to export") != std::string::npos);
    }
    SECTION("a platform twice")
    {
        t.platforms = {"linux/amd64", "linux/amd64"};
        CHECK(usage_error_of(t).find("linux/amd64 twice") != std::string::npos);
    }
}
