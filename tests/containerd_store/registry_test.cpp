// A base pulled from a registry leaves its layers labelled with where they came from, and an
// image in containerd is pushed from there to a registry (a real docker-registry).
#include <catch2/catch.hpp>

#include "common/sha256.hpp"
#include "common/temp_dir.hpp"
#include "containerd_support.hpp"
#include "registry_fixtures/registry_server.hpp"

namespace fs = std::filesystem;
using namespace lading::test;

TEST_CASE("push=true pushes from containerd; a registry base's layers carry distribution.source", "[containerd]")
{
    containerd_daemon d;
    registry_server registry;
    temp_dir work("lading-ctrd-registry-");
    const auto tree = work.path() / "tree";
    make_small_tree(tree);
    const auto meta_file = work.path() / "meta.json";
    const std::string base_name = registry.address() + "/team/base:1";

    auto pushed = d.lading({"export", tree.string(), "--progress", "quiet", "--metadata-file", meta_file.string(),
                            "--output", "type=image,name=" + base_name + ",store=containerd,push=true,registry.insecure=true"});
    INFO(pushed.describe());
    REQUIRE(pushed.succeeded());
    const auto meta = read_export_metadata(meta_file);
    auto skopeo = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + base_name});
    INFO(skopeo.describe());
    REQUIRE(skopeo.succeeded());
    CHECK("sha256:" + sha256_hex(skopeo.out) == meta.digest);
    const auto layer = std::string(boost::json::parse(skopeo.out).at("layers").at(0).at("digest").as_string());

    // A second namespace, empty: the base's layer is pulled into it.
    const auto top = work.path() / "top";
    make_small_tree(top / "top", "top");
    auto derived = d.lading({"export", top.string(), "--from", base_name, "--progress", "quiet", "--output",
                             "type=image,name=derived:1,store=containerd"},
                            {{"CONTAINERD_NAMESPACE", "pulled"}});
    INFO(derived.describe());
    REQUIRE(derived.succeeded());
    auto listing = run_process({"ctr", "-a", d.daemon.socket().string(), "-n", "pulled", "content", "ls"});
    REQUIRE(listing.succeeded());
    INFO(listing.out);
    CHECK(listing.out.find(layer) != std::string::npos);
    CHECK(listing.out.find("containerd.io/distribution.source." + registry.address() + "=team/base") !=
          std::string::npos);
}
