// Where containerd cannot be used, lading says so on one line, exits 1 and changes nothing.
#include <catch2/catch.hpp>

#include <fstream>

#include "common/temp_dir.hpp"
#include "containerd_support.hpp"

namespace fs = std::filesystem;
using namespace lading::test;

namespace {
void check_one_line_failure(const process_result& r, const std::string& says)
{
    INFO(r.describe());
    CHECK(r.exit_code == 1);
    auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(says) != std::string::npos);
}
}  // namespace

TEST_CASE("a wrong socket, an unknown namespace and a stopped containerd give one clear line", "[containerd]")
{
    containerd_daemon d;
    temp_dir work("lading-ctrd-errors-");
    const auto tree = work.path() / "tree";
    make_small_tree(tree);
    const std::vector<std::string> export_args{"export", tree.string(), "--progress", "quiet", "--output",
                                               "type=image,name=app:1,store=containerd"};

    SECTION("no socket there")
    {
        auto e = d.env();
        auto r = lading_cmd().run({"export", tree.string(), "--progress", "quiet", "--store",
                                   (work.path() / "missing.sock").string(), "--output",
                                   "type=image,name=app:1,store=containerd"},
                                  e);
        check_one_line_failure(r, "no containerd socket at");
    }
    SECTION("CONTAINERD_ADDRESS names a file that is not a socket")
    {
        std::ofstream(work.path() / "plain") << "not a socket\n";
        auto e = d.env();
        e["CONTAINERD_ADDRESS"] = (work.path() / "plain").string();
        auto r = lading_cmd().run({"images", "--backend", "containerd"}, e);
        check_one_line_failure(r, "is not a socket");
    }
    SECTION("an unknown namespace, for reading")
    {
        auto r = d.lading({"images", "--backend", "containerd"}, {{"CONTAINERD_NAMESPACE", "nosuch"}});
        check_one_line_failure(r, "has no namespace \"nosuch\"");
        auto from = d.lading({"export", tree.string(), "--from", "containerd://app:1", "--progress", "quiet",
                              "--output", "type=image,name=app:2,store=containerd"},
                             {{"CONTAINERD_NAMESPACE", "nosuch"}});
        check_one_line_failure(from, "has no namespace \"nosuch\"");
    }
    SECTION("a namespace name containerd refuses")
    {
        auto r = d.lading(export_args, {{"CONTAINERD_NAMESPACE", "not valid!"}});
        check_one_line_failure(r, "is not a namespace name");
    }
    SECTION("containerd stopped")
    {
        d.daemon.stop();
        auto r = d.lading(export_args);
        INFO(r.describe());
        CHECK(r.exit_code == 1);
        auto lines = split_lines(r.err);
        REQUIRE(lines.size() == 1);
        CHECK((lines[0].find("is containerd running?") != std::string::npos ||
               lines[0].find("is it running?") != std::string::npos));
        return;
    }
    CHECK(d.images().empty());
}
