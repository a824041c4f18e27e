// Self-tests of the harness (no lading needed): process spawning and timeouts, the fixture
// tree and its comparison, store snapshots, and a round trip through umoci and a private
// containerd on a layout made by umoci itself. When these fail, the other failures are
// about the harness or the machine, not about lading.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "common/containerd_fixture.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/process.hpp"
#include "common/required_tool.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "common/tree_compare.hpp"
#include "common/tree_fixture.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

TEST_CASE("harness: processes are run with argv, env, stdin and a timeout", "[integration][harness]") {
    SECTION("stdout, stderr and exit status") {
        auto r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
        CHECK(r.exit_code == 3);
        CHECK(r.out == "out\n");
        CHECK(r.err == "err\n");
        CHECK_FALSE(r.timed_out);
    }
    SECTION("environment overrides and removals") {
        ::setenv("LADING_HARNESS_REMOVED", "still here", 1);
        process_options o;
        o.argv = {"env"};
        o.env = {{"LADING_HARNESS_SET", "42"}, {"LADING_HARNESS_REMOVED", std::nullopt}};
        auto r = run_process(o);
        REQUIRE(r.succeeded());
        CHECK(r.out.find("LADING_HARNESS_SET=42\n") != std::string::npos);
        CHECK(r.out.find("LADING_HARNESS_REMOVED") == std::string::npos);
        ::unsetenv("LADING_HARNESS_REMOVED");
    }
    SECTION("stdin data and large output") {
        process_options o;
        o.argv = {"cat"};
        o.stdin_data = std::string(3 << 20, 'x');
        auto r = run_process(o);
        REQUIRE(r.succeeded());
        CHECK(r.out.size() == (3u << 20));
    }
    SECTION("a timeout kills the process") {
        auto r = run_process({"sleep", "30"}, 300ms);
        CHECK(r.timed_out);
        CHECK(r.term_signal == SIGKILL);
        CHECK(r.elapsed < 5s);
    }
    SECTION("a missing program is reported, not thrown") {
        auto r = run_process({"lading-no-such-program"});
        CHECK(r.exit_code == 127);
        CHECK(r.err.find("lading-no-such-program") != std::string::npos);
    }
    SECTION("a running child can be killed by pid") {
        process_options o;
        o.argv = {"sleep", "30"};
        child_process c(o);
        std::this_thread::sleep_for(100ms);
        REQUIRE(c.running());
        c.send_signal(SIGKILL);
        auto r = c.wait();
        CHECK(r.term_signal == SIGKILL);
        CHECK_FALSE(r.timed_out);
    }
}

TEST_CASE("harness: the fixture tree has every kind of entry and compares equal to a copy",
          "[integration][harness]") {
    temp_dir work;
    auto t = create_tree_fixture(work / "tree");
    struct stat st {};
    namespace tp = tree_paths;
    REQUIRE(::lstat((t.root / tp::fifo).c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    REQUIRE(::lstat((t.root / tp::setuid_file).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 04755);
    CHECK(st.st_uid == foreign_uid);
    REQUIRE(::lstat((t.root / tp::sticky_dir).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 01777);
    REQUIRE(::lstat((t.root / tp::owned_symlink).c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK(st.st_gid == foreign_gid);
    REQUIRE(::lstat((t.root / tp::hardlink_b).c_str(), &st) == 0);
    CHECK(st.st_nlink == 2);
    CHECK(t.long_path_file.native().size() > 255);
    CHECK(fs::exists(t.root / t.non_utf8_file));
    REQUIRE(::lstat((t.root / tp::large_file).c_str(), &st) == 0);
    CHECK(st.st_size == 5 * 1024 * 1024);

    CHECK(compare_trees(t.root, t.root).empty());

    require_tools({tools::tar});
    fs::create_directory(work / "copy");
    // GNU tar as an independent copier: keeps owners, modes, links, devices and xattrs.
    auto r = run_process({"sh", "-c",
                          "tar --xattrs --xattrs-include='*' -C \"$0\" -cf - . | "
                          "tar --xattrs --xattrs-include='*' --same-owner -p -C \"$1\" -xf -",
                          t.root.string(), (work / "copy").string()});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    tree_compare_options all;
    all.owners = owner_policy::stat;
    all.compare_user_xattrs = true;
    auto diffs = compare_trees(t.root, work / "copy", all);
    INFO(format_differences(diffs));
    CHECK(diffs.empty());

    // The comparison notices changes.
    std::ofstream(work / "copy" / tp::small_file) << "changed";
    fs::remove(work / "copy" / tp::hardlink_b);
    std::ofstream(work / "copy" / tp::hardlink_b) << "two names, one inode\n";
    fs::permissions(work / "copy" / tp::mode_0600, fs::perms(0644));
    fs::create_directory(work / "copy" / "extra");
    diffs = compare_trees(t.root, work / "copy", all);
    INFO(format_differences(diffs));
    CHECK(diffs.size() == 4);
}

TEST_CASE("harness: store snapshots see every change", "[integration][harness]") {
    temp_dir work;
    fs::create_directories(work / "s/blobs/sha256");
    std::ofstream(work / "s/index.json") << "{}";
    auto before = store_snapshot::take(work / "s");
    CHECK(before == store_snapshot::take(work / "s"));
    std::ofstream(work / "s/index.json") << "{ }";
    auto after = store_snapshot::take(work / "s");
    CHECK_FALSE(before == after);
    CHECK(before.differences_to(after).size() == 1);
    std::ofstream(work / "s/blobs/sha256/new") << "x";
    CHECK(before.differences_to(store_snapshot::take(work / "s")).size() == 2);
}

namespace {

// An OCI layout holding the fixture tree, made by umoci alone, with the containerd name
// annotation lading also writes.
fs::path umoci_layout(const temp_dir& work, const tree_fixture& t, const std::string& tag) {
    fs::path layout = work / "layout";
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {"umoci", "init", "--layout", layout.string()},
             {"umoci", "new", "--image", layout.string() + ":" + tag},
             {"umoci", "insert", "--rootless", "--image", layout.string() + ":" + tag,
              t.root.string(), "/"}}) {
        auto r = run_process(argv, 5min);
        INFO(r.describe());
        REQUIRE(r.succeeded());
    }
    auto r = run_process({"jq", "-c",
                          ".manifests[0].annotations[\"io.containerd.image.name\"] = "
                          "\"docker.io/library/" + tag + "\"",
                          (layout / "index.json").string()});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    std::ofstream(layout / "index.json") << r.out;
    return layout;
}

}  // namespace

TEST_CASE("harness: umoci and containerd read a layout made by umoci", "[integration][harness]") {
    require_tools({tools::umoci, tools::jq, tools::tar, tools::containerd, tools::ctr, tools::skopeo});
    temp_dir work;
    const auto& t = shared_tree();
    fs::path layout = umoci_layout(work, t, "harness:1");

    auto sk = run_process({"skopeo", "inspect", "oci:" + layout.string() + ":harness:1"}, 2min);
    INFO(sk.describe());
    REQUIRE(sk.succeeded());

    auto r = run_process({"umoci", "unpack", "--rootless", "--image", layout.string() + ":harness:1",
                          (work / "bundle").string()},
                         5min);
    INFO(r.describe());
    REQUIRE(r.succeeded());
    tree_compare_options umoci_rules;
    umoci_rules.devices = device_policy::as_empty_file;
    umoci_rules.compare_user_xattrs = t.has_xattr;
    auto diffs = compare_trees(t.root, work / "bundle/rootfs", umoci_rules);
    INFO(format_differences(diffs));
    CHECK(diffs.empty());

    containerd_fixture containerd;
    auto v = containerd.ctr({"version"});
    INFO(v.describe());
    REQUIRE(v.succeeded());
    CHECK(v.out.find("Server:") != std::string::npos);

    fs::path archive = work / "layout.tar";
    r = run_process({"tar", "-C", layout.string(), "-cf", archive.string(), "."});
    REQUIRE(r.succeeded());
    r = containerd.ctr({"images", "import", "--snapshotter", "native", archive.string()});
    INFO(r.describe() << "containerd log:\n" << containerd.log_tail());
    REQUIRE(r.succeeded());
    r = containerd.ctr({"images", "check", "--snapshotter", "native"});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    CHECK(r.out.find("docker.io/library/harness:1") != std::string::npos);
    CHECK(r.out.find("complete") != std::string::npos);

    // The unpacked snapshot (containerd as root keeps owners and devices; umoci --rootless
    // recorded every owner as 0, so owners are not compared here).
    oci_layout l(layout);
    auto entry = l.find_entry("harness:1");
    REQUIRE(entry);
    auto manifest = l.read_json_blob(std::string(entry->at("digest").as_string()));
    auto config = l.read_json_blob(std::string(manifest.at("config").at("digest").as_string()));
    std::vector<std::string> diff_ids;
    for (const auto& d : config.at("rootfs").at("diff_ids").as_array())
        diff_ids.emplace_back(d.as_string());
    r = containerd.ctr({"snapshots", "--snapshotter", "native", "view", "--mounts", "harness-view",
                        chain_id(diff_ids)});
    INFO(r.describe());
    REQUIRE(r.succeeded());
    auto mounts = parse_json(r.out, "ctr snapshots view --mounts");
    fs::path source(std::string(mounts.at(0).at("Source").as_string()));
    tree_compare_options native_rules;
    native_rules.compare_user_xattrs = t.has_xattr;
    diffs = compare_trees(t.root, source, native_rules);
    INFO(format_differences(diffs));
    CHECK(diffs.empty());

    pid_t pid = containerd.pid();
    containerd.stop();
    CHECK(::kill(pid, 0) != 0);  // gone (and reaped)
}
