// A registry base must be the manifest the registry names: a body swapped on the way (here
// by a proxy that answers with another image's manifest) fails the export with one line
// naming the expected digest, and nothing is stored.
#include <catch2/catch.hpp>

#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

export_request pushed(const fs::path& work, const std::string& flavour, const std::string& ref)
{
    auto req = small_tree_export(work, "type=registry,name=" + ref + ",oci-mediatypes=true", flavour);
    req.store = work / (flavour + "-store");
    return req;
}

std::string raw_manifest(const std::string& ref)
{
    auto r = run_process({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref}, 2min);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    return r.out;
}

}  // namespace

TEST_CASE("a registry base whose manifest body was swapped is refused", "[registry][pinned]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    const auto base_digest = export_ok(pushed(work.path(), "base", registry.address() + "/lib/base:1")).digest;
    // In the same repository, so that on main every blob of the swapped-in image is there.
    export_ok(pushed(work.path(), "other", registry.address() + "/lib/base:other"));
    const auto other_bytes = raw_manifest(registry.address() + "/lib/base:other");

    auto app = pushed(work.path(), "app", registry.address() + "/lib/app:1");
    app.outputs = {"type=image,name=app:1,oci-mediatypes=true"};
    app.store = work.path() / "store";
    export_ok(app);  // something in the store that must stay as it is
    const auto before = store_snapshot::take(app.store);

    auto refused = [&](const std::string& from, const std::string& manifest_path) {
        const injected_response swapped{200,
                                        {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                         {"Docker-Content-Digest", base_digest}},
                                        other_bytes,
                                        false};
        proxy.answer("GET", manifest_path, 10, swapped);
        auto req = app;
        req.outputs = {"type=image,name=app:2,oci-mediatypes=true"};
        req.extra_args = {"--from", from};
        auto r = run_export(req);
        proxy.clear_scripts();
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        auto lines = split_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find(base_digest) != std::string::npos);
        const auto after = store_snapshot::take(req.store);
        INFO(before.describe_differences_to(after));
        CHECK(before == after);
    };
    refused(proxy.address() + "/lib/base:1", "^/v2/lib/base/manifests/1$");
    refused(proxy.address() + "/lib/base@" + base_digest, "^/v2/lib/base/manifests/sha256:");
}
