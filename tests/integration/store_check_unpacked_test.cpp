// `lading store check` looks at the unpacked/ area of unpack=true as well: it must stay
// private to the store's owner and hold only root filesystems of manifests the store has.
// Check reports; it changes nothing.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/store_snapshot.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace lading::test;
using namespace std::chrono_literals;

namespace {

std::string this_platform()
{
    utsname u{};
    ::uname(&u);
    const std::string m = u.machine;
    return "linux/" + (m == "x86_64" ? std::string("amd64") : m == "aarch64" ? std::string("arm64") : m);
}

// Holds an flock on a directory, as a running unpack holds its temporary.
class held_directory_lock {
public:
    explicit held_directory_lock(const fs::path& p) : fd_(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC))
    {
        REQUIRE(fd_ >= 0);
        REQUIRE(::flock(fd_, LOCK_EX | LOCK_NB) == 0);
    }
    ~held_directory_lock() { ::close(fd_); }

private:
    int fd_;
};

}  // namespace

TEST_CASE("lading store check reports what is wrong in unpacked/, and only that", "[integration][store][check][unpack]")
{
    temp_dir work;
    make_small_tree(work / "tree", "tree");
    const fs::path store = work / "store";
    const auto app = export_ok({.layers = {work / "tree"}, .outputs = {"type=image,name=app:1,unpack=true"},
                                .store = store, .metadata_file = work / "app.json", .platform = this_platform()});
    const fs::path area = store / "unpacked";
    const fs::path holder = area / "sha256" / app.digest.substr(7);
    REQUIRE(fs::is_directory(holder / "rootfs"));

    int exit_code = 0;
    std::string expected;  // the one finding, by its start; none when empty
    std::string summary = "0 faults, 0 dangling, 0 temporaries, 0 records, 1 unpacked";
    std::optional<held_directory_lock> running;

    SECTION("a clean area") {}
    SECTION("an area other users can enter")
    {
        fs::permissions(area, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
        exit_code = 1;
        expected = "unsafe: unpacked (owner " + std::to_string(::geteuid()) + ", mode 0755) is not private";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 1 unpacked";
    }
    SECTION("an area that is a symbolic link")
    {
        fs::rename(area, work / "elsewhere");
        fs::create_directory_symlink(work / "elsewhere", area);
        exit_code = 1;
        expected = "unsafe: unpacked is a symbolic link";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 0 unpacked";
    }
    SECTION("a symbolic link where a rootfs directory belongs")
    {
        fs::rename(holder / "rootfs", work / "moved-rootfs");
        fs::create_directory_symlink(work / "moved-rootfs", holder / "rootfs");
        exit_code = 1;
        expected = "stray: unpacked/sha256/" + app.digest.substr(7) + "/rootfs is a symbolic link where lading keeps a directory";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 0 unpacked";
    }
    SECTION("a symbolic link among the manifests' directories")
    {
        fs::create_directory(work / "planted");
        fs::create_directory_symlink(work / "planted", area / "sha256" / std::string(64, 'a'));
        exit_code = 1;
        expected = "stray: unpacked/sha256/" + std::string(64, 'a') + " is a symbolic link";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 1 unpacked";
    }
    SECTION("a file lading did not put there")
    {
        write_bytes(area / "notes.txt", "mine\n");
        exit_code = 1;
        expected = "stray: unpacked/notes.txt is a file lading did not put there";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 1 unpacked";
    }
    SECTION("a rootfs whose manifest the store does not hold")
    {
        fs::create_directories(area / "sha256" / std::string(64, 'b') / "rootfs");
        exit_code = 1;
        expected = "orphan: unpacked/sha256/" + std::string(64, 'b') + "/rootfs claims to be the root filesystem of sha256:" +
                   std::string(64, 'b') + ", which the store does not hold";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 2 unpacked";
    }
    SECTION("a rootfs named after a blob that is no manifest")
    {
        fs::create_directories(area / "sha256" / app.config_digest.substr(7) / "rootfs");
        exit_code = 1;
        expected = "orphan: unpacked/sha256/" + app.config_digest.substr(7) + "/rootfs claims to be the root filesystem of " +
                   app.config_digest + ", which is not an image manifest";
        summary = "1 faults, 0 dangling, 0 temporaries, 0 records, 2 unpacked";
    }
    SECTION("the temporary of an interrupted unpack is reported, not a fault")
    {
        fs::create_directory(holder / "rootfs.tmp-4242-AbCdEf");
        expected = "temporary: unpacked/sha256/" + app.digest.substr(7) + "/rootfs.tmp-4242-AbCdEf was abandoned";
        summary = "0 faults, 0 dangling, 1 temporaries, 0 records, 1 unpacked";
    }
    SECTION("the temporary of an unpack under way is reported as such")
    {
        fs::create_directory(holder / "rootfs.tmp-4242-AbCdEf");
        running.emplace(holder / "rootfs.tmp-4242-AbCdEf");
        expected = "temporary: unpacked/sha256/" + app.digest.substr(7) + "/rootfs.tmp-4242-AbCdEf is being unpacked";
        summary = "0 faults, 0 dangling, 1 temporaries, 0 records, 1 unpacked";
    }
    SECTION("a manifest's directory an interrupted unpack left empty is noted")
    {
        fs::create_directories(area / "sha256" / std::string(64, 'c'));
        expected = "stale: unpacked/sha256/" + std::string(64, 'c') + " holds no root filesystem";
    }

    const auto before = store_snapshot::take(store);
    const auto r = lading_cmd().run({"store", "check", "--store", store.string()}, {}, 2min);
    INFO(r.describe());
    CHECK(r.exit_code == exit_code);
    auto lines = split_lines(r.out);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back().find(summary) != std::string::npos);
    lines.pop_back();
    if (expected.empty()) {
        CHECK(lines.empty());
    } else {
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].starts_with(expected));
    }
    const auto after = store_snapshot::take(store);
    INFO(before.describe_differences_to(after));
    CHECK(before == after);  // reading only
}

TEST_CASE("store check judges unpacked/ by the store's owner, not by who runs the check",
          "[integration][store][check][unpack]")
{
    temp_dir work;
    make_small_tree(work / "tree", "tree");
    const fs::path store = work / "store";
    export_ok({.layers = {work / "tree"}, .outputs = {"type=image,name=app:1,unpack=true"}, .store = store,
               .metadata_file = work / "app.json", .platform = this_platform()});
    auto check = [&] {
        auto r = lading_cmd().run({"store", "check", "--store", store.string()}, {}, 2min);
        INFO(r.describe());
        return r;
    };
    if (::geteuid() != 0) {
        // Only root can give the store to another user; here the owner and the checker are one.
        WARN("not root: the store of another user is not tried");
        CHECK(check().exit_code == 0);
        return;
    }
    constexpr uid_t nobody = 65534;
    auto give = [](const fs::path& p, uid_t to) {
        REQUIRE(::lchown(p.c_str(), to, to) == 0);
        if (fs::is_directory(fs::symlink_status(p)))
            for (const auto& e : fs::recursive_directory_iterator(p)) REQUIRE(::lchown(e.path().c_str(), to, to) == 0);
    };
    SECTION("root checks a store another user owns, area and all: nothing unsafe")
    {
        give(store, nobody);
        auto r = check();
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("unsafe:") == std::string::npos);
    }
    SECTION("an area another user owns in root's store is unsafe")
    {
        give(store / "unpacked", nobody);
        auto r = check();
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("unsafe: unpacked (owner 65534, mode 0700) is not private to the store's owner 0") !=
              std::string::npos);
    }
}
