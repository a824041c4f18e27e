// A push with store=false keeps its blobs in $TMPDIR/lading-spool-<pid>-XXXXXX (in /var/tmp
// without TMPDIR), locked for as long as its process lives: the spool of a lading killed
// with -9 stays only until the next lading that spools in the same TMPDIR, which removes it,
// while the spool of a lading still pushing (held up by the fault proxy) and anything not
// named like a spool survive.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"
#include "registry_fixtures/fault_proxy.hpp"
#include "registry_fixtures/registry_server.hpp"
#include "registry_support.hpp"
#include "support.hpp"

#include <csignal>
#include <thread>

using namespace lading::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The spools in `tmp` made by the process `pid`.
std::vector<fs::path> spools_of(const fs::path& tmp, pid_t pid)
{
    const auto prefix = "lading-spool-" + std::to_string(pid) + "-";
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(tmp))
        if (e.path().filename().string().starts_with(prefix)) found.push_back(e.path());
    return found;
}

// Requests to `repository` that the proxy holds up.
std::size_t stalled_requests(const fault_proxy& proxy, const std::string& repository)
{
    std::size_t n = 0;
    for (const auto& r : proxy.requests())
        n += r.outcome == fault_outcome::stalled && r.target.starts_with("/v2/" + repository + "/");
    return n;
}

// Starts a push of the small tree to `name` (store=false, so it spools in `tmp`, or where
// lading spools without TMPDIR).
child_process start_push(const fs::path& work, const std::optional<fs::path>& tmp, const std::string& name)
{
    auto req = small_tree_export(work, "type=registry,name=" + name + ",store=false,oci-mediatypes=true");
    req.metadata_file.clear();
    req.env["TMPDIR"] = tmp ? std::optional<std::string>(tmp->string()) : std::nullopt;
    return lading_cmd().start(export_argv(req), req.env, 3min);
}

// Waits until the proxy holds up a request of the push `child` to `repository`; the push
// must not end meanwhile.
void wait_until_stalled(const fault_proxy& proxy, const std::string& repository, child_process& child)
{
    for (auto waited = 0ms; stalled_requests(proxy, repository) == 0; waited += 20ms) {
        if (!child.running() || waited > 60s) FAIL("the push was not held up by the proxy:\n" << child.stop().describe());
        std::this_thread::sleep_for(20ms);
    }
}

}  // namespace

TEST_CASE("a killed push's spool is removed by the next push that spools; a running push's spool stays",
          "[registry][spool]")
{
    temp_dir work;
    const fs::path tmp = work / "tmp";
    fs::create_directories(tmp);
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    proxy.stall_requests("POST", "/blobs/uploads/", 1000);  // every push through the proxy waits

    // Named like a spool but not one lading makes, or not a directory of its own.
    const fs::path outside = work / "outside";
    write_bytes(outside / "keep", "not a spool\n");
    fs::create_directory_symlink(outside, tmp / "lading-spool-1-AbCdEf");
    write_bytes(tmp / "lading-spool-2-AbCdEf", "a file\n");
    write_bytes(tmp / "lading-spool-other" / "keep", "not named like a spool\n");
    // An older lading's spool: it held no lock, so it cannot be told from one in use.
    write_bytes(tmp / "lading-spool-Ab12Cd" / "keep", "unlocked\n");

    auto running = start_push(work.path(), tmp, proxy.address() + "/running/app:1");
    wait_until_stalled(proxy, "running/app", running);
    const auto running_spool = spools_of(tmp, running.pid());
    REQUIRE(running_spool.size() == 1);

    auto killed = start_push(work.path(), tmp, proxy.address() + "/killed/app:1");
    wait_until_stalled(proxy, "killed/app", killed);
    const auto killed_spool = spools_of(tmp, killed.pid());
    REQUIRE(killed_spool.size() == 1);
    killed.send_signal(SIGKILL);
    auto ended = killed.wait_for(30s);
    INFO(ended.describe());
    REQUIRE(ended.term_signal == SIGKILL);
    CHECK(fs::is_directory(killed_spool[0]));  // nothing removes it when its process dies
    CHECK(fs::is_directory(running_spool[0]));  // a new spool left the running push's alone

    auto next = start_push(work.path(), tmp, registry.address() + "/next/app:1");
    const auto next_pid = next.pid();
    auto pushed = next.wait_for(2min);
    INFO(pushed.describe());
    REQUIRE(pushed.exit_code == 0);
    CHECK_FALSE(skopeo_digest(registry.address() + "/next/app:1", {"--tls-verify=false"}).empty());

    CHECK_FALSE(fs::exists(killed_spool[0]));
    REQUIRE(running.running());
    CHECK(fs::is_directory(running_spool[0]));
    CHECK(spools_of(tmp, next_pid).empty());  // its own went when it ended
    CHECK(fs::is_symlink(tmp / "lading-spool-1-AbCdEf"));
    CHECK(fs::exists(outside / "keep"));
    CHECK(fs::is_regular_file(tmp / "lading-spool-2-AbCdEf"));
    CHECK(fs::exists(tmp / "lading-spool-other" / "keep"));
    CHECK(fs::exists(tmp / "lading-spool-Ab12Cd" / "keep"));

    running.send_signal(SIGKILL);
    running.wait_for(30s);
}

TEST_CASE("without TMPDIR a push spools in /var/tmp, not in /tmp (often a tmpfs); a stopped push removes its spool",
          "[registry][spool]")
{
    temp_dir work;
    registry_server registry;
    fault_proxy proxy("127.0.0.1", registry.port());
    proxy.stall_requests("POST", "/blobs/uploads/", 1000);
    REQUIRE(fs::is_directory("/var/tmp"));

    auto push = start_push(work.path(), std::nullopt, proxy.address() + "/var-tmp/app:1");
    wait_until_stalled(proxy, "var-tmp/app", push);
    const auto spool = spools_of("/var/tmp", push.pid());
    CHECK(spool.size() == 1);
    CHECK(spools_of("/tmp", push.pid()).empty());

    push.send_signal(SIGINT);
    auto ended = push.wait_for(30s);
    INFO(ended.describe());
    CHECK(ended.exit_code == 1);
    for (const auto& s : spool) CHECK_FALSE(fs::exists(s));
}
