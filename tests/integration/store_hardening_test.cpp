// A store and a base layout are handled with care: a base layout is only read (no link in it
// followed, nothing created or cleaned in it), a temporary is removed only when no live
// writer holds its lock, and every manifest, index and config read from a base must hash
// to the digest it was reached by.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/required_tool.hpp"
#include "common/sha256.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

// A base layout at work/base holding base:1 (one gzip layer); returns its manifest digest.
std::string make_base(const fs::path& work)
{
    make_small_tree(work / "base-tree", "base");
    export_request req{
        .layers = {work / "base-tree"},
        .outputs = {"type=image,name=base:1,oci-mediatypes=true,compression=gzip"},
        .store = work / "base",
        .metadata_file = work / "base.json",
    };
    return export_ok(req).digest;
}

export_request on_base(const fs::path& work, const std::string& from, const std::string& name)
{
    if (!fs::exists(work / "app-tree")) make_small_tree(work / "app-tree", "app");
    export_request req{
        .layers = {work / "app-tree"},
        .outputs = {"type=image,name=" + name + ",oci-mediatypes=true"},
        .store = work / "store",
        .metadata_file = work / (name.substr(0, name.find(':')) + ".json"),
        .extra_args = {"--from", from},
    };
    return req;
}

// An open descriptor with an flock held on it, as a running writer holds its temporary.
class held_lock {
public:
    explicit held_lock(const fs::path& p, bool directory = false)
        : fd_(::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC))
    {
        REQUIRE(fd_ >= 0);
        REQUIRE(::flock(fd_, LOCK_EX | LOCK_NB) == 0);
    }
    ~held_lock() { ::close(fd_); }

private:
    int fd_;
};

process_result store_check(const fs::path& store)
{
    return lading_cmd().run({"store", "check", "--store", store.string()}, {}, 2min);
}

// The finding lines of `lading store check` (every line but the closing summary).
std::vector<std::string> findings_of(const process_result& r)
{
    auto lines = split_lines(r.out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find(" faults, ") != std::string::npos);
    lines.pop_back();
    return lines;
}

bool any_line_has(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "")
{
    for (const auto& l : lines)
        if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("a base layout is only read: a planted .lading-tmp link is not followed", "[integration][store][base-read-only]")
{
    temp_dir work;
    make_base(work.path());
    const fs::path base = work / "base";
    const fs::path outside = work / "outside";
    write_bytes(outside / "sentinel", "must stay\n");
    write_bytes(outside / "1-0-0123456789abcdef", "named like a temporary\n");
    fs::remove_all(base / ".lading-tmp");
    fs::create_directory_symlink(outside, base / ".lading-tmp");
    const auto base_before = store_snapshot::take(base);
    const auto outside_before = store_snapshot::take(outside);

    auto req = on_base(work.path(), "oci-layout://" + base.string() + ":base:1", "app:1");
    export_ok(req);

    CHECK(fs::exists(outside / "sentinel"));
    const auto outside_after = store_snapshot::take(outside);
    INFO(outside_before.describe_differences_to(outside_after));
    CHECK(outside_before == outside_after);
    const auto base_after = store_snapshot::take(base);
    INFO(base_before.describe_differences_to(base_after));
    CHECK(base_before == base_after);
}

TEST_CASE("a store whose .lading-tmp is a link is refused, and nothing it points to is touched", "[integration][store][base-read-only]")
{
    temp_dir work;
    make_base(work.path());
    const fs::path store = work / "base";
    const fs::path outside = work / "outside";
    write_bytes(outside / "sentinel", "must stay\n");
    fs::remove_all(store / ".lading-tmp");
    fs::create_directory_symlink(outside, store / ".lading-tmp");
    const auto outside_before = store_snapshot::take(outside);

    make_small_tree(work / "more", "more");
    export_request req{
        .layers = {work / "more"},
        .outputs = {"type=image,name=more:1"},
        .store = store,
    };
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(".lading-tmp") != std::string::npos);

    auto check = store_check(store);
    INFO(check.describe());
    CHECK(check.exit_code == 1);
    CHECK(any_line_has(findings_of(check), "stray: .lading-tmp"));
    const auto outside_after = store_snapshot::take(outside);
    INFO(outside_before.describe_differences_to(outside_after));
    CHECK(outside_before == outside_after);
}

TEST_CASE("a layout skopeo wrote, made read-only, works as a base and is left as it was", "[integration][store][base-read-only]")
{
    require_tools({tools::skopeo});
    temp_dir work;
    make_base(work.path());
    const fs::path other = work / "other";
    auto copy = run_process({"skopeo", "--insecure-policy", "copy", "oci:" + (work / "base").string() + ":base:1",
                             "oci:" + other.string() + ":copied"},
                            2min);
    INFO(copy.describe());
    REQUIRE(copy.succeeded());
    REQUIRE(run_process({"chmod", "-R", "a-w", other.string()}).succeeded());
    const auto before = store_snapshot::take(other);

    auto req = on_base(work.path(), "oci-layout://" + other.string() + ":copied", "app:1");
    auto meta = export_ok(req);

    const auto after = store_snapshot::take(other);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);  // no .lading-tmp, no lock file, nothing
    CHECK(oci_layout(req.store).read_json_blob(meta.digest).as_object().at("layers").as_array().size() == 2);
    run_process({"chmod", "-R", "u+w", other.string()});
}

TEST_CASE("a temporary whose writer still holds its lock survives; an abandoned one is removed", "[integration][store][temporaries]")
{
    temp_dir work;
    const auto base_digest = make_base(work.path());
    const fs::path store = work / "base";
    // pids that exist in no namespace of this machine: liveness must come from the lock.
    const fs::path live = store / ".lading-tmp" / "999999999-0-0123456789abcdef";
    const fs::path abandoned = store / ".lading-tmp" / "999999998-0-0123456789abcdef";
    const fs::path foreign = store / ".lading-tmp" / "notes.txt";  // not a name lading gives
    write_bytes(live, "being written elsewhere\n");
    write_bytes(abandoned, "left by a crash\n");
    write_bytes(foreign, "not lading's\n");
    held_lock writer(live);
    // Earlier releases wrote "<pid>-<n>" without a lock: gone with their process, kept while it runs.
    const fs::path legacy_dead = store / ".lading-tmp" / "999999997-4";
    const fs::path legacy_running = store / ".lading-tmp" / (std::to_string(::getpid()) + "-5");
    write_bytes(legacy_dead, "left by a crash of an earlier release\n");
    write_bytes(legacy_running, "being written by an earlier release\n");

    auto images = lading_cmd().run({"images", "--store", store.string()});
    INFO(images.describe());
    REQUIRE(images.succeeded());
    CHECK(fs::exists(live));
    CHECK_FALSE(fs::exists(abandoned));
    CHECK(fs::exists(foreign));
    CHECK_FALSE(fs::exists(legacy_dead));
    CHECK(fs::exists(legacy_running));

    // store check reports both kinds and removes neither.
    write_bytes(abandoned, "left by a crash\n");
    write_bytes(legacy_dead, "left by a crash of an earlier release\n");
    auto check = store_check(store);
    INFO(check.describe());
    CHECK(check.exit_code == 0);
    const auto lines = findings_of(check);
    CHECK(any_line_has(lines, "999999999-0-0123456789abcdef", "running"));
    CHECK(any_line_has(lines, "999999998-0-0123456789abcdef", "abandoned"));
    CHECK(any_line_has(lines, "999999997-4", "abandoned"));
    CHECK(any_line_has(lines, legacy_running.filename().string(), "running"));
    CHECK(fs::exists(abandoned));
    CHECK(fs::exists(legacy_dead));

    // The unpack staging of another namespace's export survives an unpack here as well.
    const fs::path staging_parent = store / "unpacked" / "sha256" / std::string(64, 'a');
    const fs::path live_staging = staging_parent / "rootfs.tmp-999999999-AbCdEf";
    const fs::path dead_staging = staging_parent / "rootfs.tmp-999999998-AbCdEf";
    write_bytes(live_staging / "etc" / "file", "x\n");
    write_bytes(dead_staging / "etc" / "file", "x\n");
    fs::permissions(store / "unpacked", fs::perms::owner_all);  // private, as lading makes it
    held_lock unpacker(live_staging, true);
    export_request unpack;
    make_small_tree(work / "u", "unpack");
    unpack.layers = {work / "u"};
    unpack.outputs = {"type=image,name=u:1,unpack=true"};
    unpack.store = store;
    unpack.metadata_file = work / "u.json";
    export_ok(unpack);
    CHECK(fs::exists(live_staging / "etc" / "file"));
    CHECK_FALSE(fs::exists(dead_staging));
    (void)base_digest;
}

TEST_CASE("a base whose config or manifest bytes were replaced is refused", "[integration][store][pinned]")
{
    temp_dir work;
    const auto manifest_digest = make_base(work.path());
    const fs::path base = work / "base";
    oci_layout layout(base);
    const auto manifest = layout.read_json_blob(manifest_digest).as_object();
    const auto config_digest = json_string(manifest.at("config"), "digest");

    // Something in the store that must stay as it is.
    auto first = on_base(work.path(), "oci-layout://" + base.string() + ":base:1", "kept:1");
    export_ok(first);
    const auto before = store_snapshot::take(first.store);

    auto refused = [&](const std::string& from, const std::string& named_digest) {
        auto req = on_base(work.path(), from, "app:1");
        auto r = run_export(req);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        auto lines = split_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find(named_digest) != std::string::npos);
        const auto after = store_snapshot::take(req.store);
        INFO(before.describe_differences_to(after));
        CHECK(before == after);
    };

    SECTION("config rewritten in place")
    {
        auto text = layout.read_blob(config_digest);
        auto pos = text.find("\"architecture\"");
        REQUIRE(pos != std::string::npos);
        text.insert(pos, "\"rewritten\":true,");
        fs::remove(layout.blob_path(config_digest));
        write_bytes(layout.blob_path(config_digest), text);
        refused("oci-layout://" + base.string() + "@" + manifest_digest, config_digest);
        refused("oci-layout://" + base.string() + ":base:1", config_digest);
    }
    SECTION("manifest swapped for another one")
    {
        make_small_tree(work / "other-tree", "other");
        export_request other{
            .layers = {work / "other-tree"},
            .outputs = {"type=image,name=other:1,oci-mediatypes=true,compression=gzip"},
            .store = base,
            .metadata_file = work / "other.json",
        };
        const auto other_digest = export_ok(other).digest;
        fs::remove(layout.blob_path(manifest_digest));
        fs::copy_file(layout.blob_path(other_digest), layout.blob_path(manifest_digest));
        refused("oci-layout://" + base.string() + "@" + manifest_digest, manifest_digest);
        refused("oci-layout://" + base.string() + ":base:1", manifest_digest);
    }
}

TEST_CASE("lading store check reports corrupt, missing and dangling blobs", "[integration][store][check]")
{
    temp_dir work;
    const auto manifest_digest = make_base(work.path());
    const fs::path store = work / "base";
    oci_layout layout(store);
    const auto manifest = layout.read_json_blob(manifest_digest).as_object();
    const auto config_digest = json_string(manifest.at("config"), "digest");
    const auto layer_digest = json_string(manifest.at("layers").as_array().at(0), "digest");

    auto help = lading_cmd().run({"store", "check", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: lading store check") != std::string::npos);

    const auto before = store_snapshot::take(store);
    auto clean = store_check(store);
    INFO(clean.describe());
    CHECK(clean.exit_code == 0);
    CHECK(findings_of(clean).empty());
    CHECK(split_lines(clean.out).back().find("1 names, 3 blobs, 0 faults, 0 dangling") != std::string::npos);
    CHECK(before == store_snapshot::take(store));  // reading only

    SECTION("an unreferenced blob is dangling, not a fault")
    {
        const std::string bytes = "nobody points here\n";
        write_bytes(store / "blobs" / "sha256" / sha256_hex(bytes), bytes);
        auto r = store_check(store);
        INFO(r.describe());
        CHECK(r.exit_code == 0);
        auto lines = findings_of(r);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].starts_with("dangling: sha256:" + sha256_hex(bytes)));
    }
    SECTION("a layer with other bytes is corrupt")
    {
        auto text = layout.read_blob(layer_digest);
        text[text.size() / 2] ^= 0x55;
        fs::remove(layout.blob_path(layer_digest));
        write_bytes(layout.blob_path(layer_digest), text);
        auto r = store_check(store);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        auto lines = findings_of(r);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].starts_with("corrupt: blob " + layer_digest));
    }
    SECTION("a missing config is a fault")
    {
        fs::remove(layout.blob_path(config_digest));
        auto r = store_check(store);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        auto lines = findings_of(r);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].starts_with("missing: " + config_digest));
    }
    SECTION("records lading keeps are read: a damaged one is a fault, a stale conversion record is noted")
    {
        const auto record = [&](const std::string& blob, std::uint64_t size) {
            return R"({"annotations":{},"diff_id":"sha256:)" + std::string(64, 'e') + R"(","digest":")" + blob +
                   R"(","media_suffix":"zstd","size":)" + std::to_string(size) + "}";
        };
        const auto conversions = store / "conversions" / "sha256";
        write_bytes(conversions / std::string(64, 'a') / "zstd" / "3.json", record(layer_digest, fs::file_size(layout.blob_path(layer_digest))));
        write_bytes(store / "push-hints" / "sha256" / (std::string(64, 'c') + ".json"),
                    R"({"digest":")" + layer_digest + R"(","fingerprint":"sha256:)" + std::string(64, 'd') + R"(","size":1})");
        auto good = store_check(store);
        INFO(good.describe());
        CHECK(good.exit_code == 0);
        CHECK(findings_of(good).empty());
        CHECK(split_lines(good.out).back().find("0 faults, 0 dangling, 0 temporaries, 2 records") != std::string::npos);

        const auto gone = "sha256:" + std::string(64, 'f');
        write_bytes(conversions / std::string(64, 'b') / "gzip" / "6.json", record(gone, 42));
        auto stale = store_check(store);
        INFO(stale.describe());
        CHECK(stale.exit_code == 0);
        auto lines = findings_of(stale);
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].starts_with("stale: record conversions/sha256/" + std::string(64, 'b') + "/gzip/6 names " + gone));

        write_bytes(store / "push-hints" / "sha256" / (std::string(64, 'c') + ".json"), "{\"fingerprint\":");
        auto damaged = store_check(store);
        INFO(damaged.describe());
        CHECK(damaged.exit_code == 1);
        CHECK(any_line_has(findings_of(damaged), "corrupt: record push-hints/sha256/" + std::string(64, 'c'), "push hint"));
    }
    SECTION("an index.json that does not parse is a fault")
    {
        write_bytes(store / "index.json", "{\"manifests\": [");
        auto r = store_check(store);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(any_line_has(findings_of(r), "index.json"));
    }
    SECTION("a directory that is no store is one error line")
    {
        auto r = store_check(work / "nothing-here");
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        CHECK(split_lines(r.err).size() == 1);
        CHECK_FALSE(fs::exists(work / "nothing-here"));
    }
}

TEST_CASE("a directory that is not a layout, or whose index is damaged, is refused unchanged", "[integration][store]")
{
    temp_dir work;
    const fs::path store = work / "store";
    make_small_tree(work / "tree", "tree");
    SECTION("an oci-layout file that is not a layout's")
    {
        write_bytes(store / "oci-layout", "not json\n");
        write_bytes(store / "notes.txt", "the user's\n");
    }
    SECTION("an index.json that is not an index")
    {
        write_bytes(store / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
        write_bytes(store / "index.json", R"({"schemaVersion":2,"manifests":)");
    }
    const auto before = store_snapshot::take(store);
    export_request req{.layers = {work / "tree"}, .outputs = {"type=image,name=app:1"}, .store = store};
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK((lines[0].find("is not an OCI image layout") != std::string::npos ||
           lines[0].find("index.json is not valid JSON") != std::string::npos));
    const auto after = store_snapshot::take(store);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);
}

TEST_CASE("a FIFO in a base layout is refused at once, not waited on", "[integration][store][base-read-only]")
{
    temp_dir work;
    const auto manifest = make_base(work.path());
    const fs::path base = work / "base";
    SECTION("as index.json")
    {
        fs::remove(base / "index.json");
        REQUIRE(::mkfifo((base / "index.json").c_str(), 0644) == 0);
    }
    SECTION("as the manifest blob")
    {
        const auto blob = base / "blobs" / "sha256" / manifest.substr(7);
        fs::remove(blob);
        REQUIRE(::mkfifo(blob.c_str(), 0644) == 0);
    }
    auto req = on_base(work.path(), "oci-layout://" + base.string() + ":base:1", "app:1");
    auto r = lading_cmd().run(export_argv(req), req.env, 60s);  // a reader stuck on the FIFO is killed then
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("is not a regular file") != std::string::npos);
}

TEST_CASE("a base layout whose index.json is huge is refused without reading it", "[integration][store][base-read-only]")
{
    temp_dir work;
    make_base(work.path());
    const fs::path base = work / "base";
    fs::resize_file(base / "index.json", (std::uintmax_t{1} << 30) + 1);  // sparse: no disk used
    auto req = on_base(work.path(), "oci-layout://" + base.string() + ":base:1", "app:1");
    auto r = run_export(req);
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("index.json is larger than 256 MiB") != std::string::npos);
}
