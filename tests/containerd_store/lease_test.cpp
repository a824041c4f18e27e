// A killed export leaves no image; what it had written is held by its lease only, and is
// collected once the lease expires (LADING_CONTAINERD_LEASE_EXPIRY shortens it here).
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "common/random_data.hpp"
#include "common/temp_dir.hpp"
#include "containerd_support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

TEST_CASE("a killed export leaves no image and its content is collected when its lease expires", "[containerd]")
{
    containerd_daemon d;
    temp_dir work("lading-ctrd-kill-");
    const auto small = work.path() / "small";
    make_small_tree(small);
    const auto big = work.path() / "big";
    fs::create_directories(big);
    write_random_file(big / "noise.bin", 96ull << 20, 7);

    // An unrelated image, removed later to have containerd collect garbage synchronously.
    auto victim = d.lading({"export", small.string(), "--progress", "quiet", "--output",
                            "type=image,name=victim:1,store=containerd"});
    INFO(victim.describe());
    REQUIRE(victim.succeeded());

    auto env = d.env();
    env["LADING_CONTAINERD_LEASE_EXPIRY"] = "2";
    auto running = lading_cmd().start({"export", small.string(), "--layer", big.string(), "--progress", "quiet",
                                       "--store", d.daemon.socket().string(), "--output",
                                       "type=image,name=killed:1,store=containerd,compression-level=9"},
                                      env);
    // Killed while its layers stream into containerd's ingests.
    bool writing = false;
    for (auto until = std::chrono::steady_clock::now() + 60s; !writing && std::chrono::steady_clock::now() < until;) {
        auto active = d.daemon.ctr({"content", "active"});
        writing = active.succeeded() && split_lines(active.out).size() > 1;
        if (!writing) std::this_thread::sleep_for(20ms);
    }
    REQUIRE(writing);
    REQUIRE(running.running());
    running.send_signal(SIGKILL);
    auto ended = running.wait_for(30s);
    CHECK(ended.term_signal == SIGKILL);

    auto images = d.images();
    CHECK(images.count("docker.io/library/killed:1") == 0);
    CHECK(d.leases().size() == 1);

    std::this_thread::sleep_for(3s);  // past the lease's expiry
    d.ctr_ok({"images", "rm", "--sync", "docker.io/library/victim:1"});
    CHECK(d.leases().empty());
    auto left = d.contents();
    INFO(d.ctr_ok({"content", "ls"}));
    CHECK(left.empty());
    auto active = split_lines(d.ctr_ok({"content", "active"}));
    INFO(d.ctr_ok({"content", "active"}));
    CHECK(active.size() <= 1);  // the header only
}
