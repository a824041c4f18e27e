// lading bake through the real binary: files read from disk (named with -f or found in the
// working directory), the environment, --set, --push, --print read back as JSON, --list,
// and bad files reported at their line and column with exit status 2 and no store touched.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lading::test;

namespace {

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

process_result bake_in(const fs::path& cwd, std::vector<std::string> args, const env_overrides& env = {})
{
    args.insert(args.begin(), "bake");
    auto options = lading_cmd().options(std::move(args), env, std::chrono::minutes(1));
    options.cwd = cwd;
    return run_process(options);
}

json::object printed(const process_result& r)
{
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    return parse_json(r.out, "lading bake --print").as_object();
}

std::vector<std::string> strings_at(const json::value& v)
{
    std::vector<std::string> out;
    for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
    return out;
}

using strings = std::vector<std::string>;

const char* project_file = R"J({
  "variable": {
    "TAG": {"default": "dev", "description": "image tag"},
    "DEBUG": {"default": false},
    "PLATFORMS": {"type": "list(string)", "default": ["linux/amd64"]}
  },
  "group": {
    "default": {"targets": ["app"]},
    "all": {"targets": ["app", "tools"]}
  },
  "target": {
    "base": {"context": "rootfs", "platforms": "${PLATFORMS}", "labels": {"tier": "base"}},
    "app": {
      "inherits": ["base"],
      "description": "the app",
      "tags": ["127.0.0.1:5000/app:${TAG}"],
      "labels": {"debug": "${DEBUG}"},
      "layers": ["linux/arm64=arm.tar"],
      "output": ["type=image,compression=zstd"]
    },
    "tools": {
      "inherits": ["base"],
      "matrix": {"tool": ["curl", "jq"]},
      "name": "tool-${tool}",
      "entrypoint": ["/bin/${tool}"]
    }
  }
})J";

}  // namespace

TEST_CASE("lading bake --print resolves groups, inherits, matrix and variables from the environment",
          "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "lading-bake.json", project_file);
    auto all = printed(bake_in(dir.path(), {"all", "--print"}, {{"TAG", "1.4"}, {"PLATFORMS", "linux/arm64,linux/amd64"}}));
    CHECK(strings_at(all.at("group").at("default").at("targets")) == strings{"all"});
    CHECK(strings_at(all.at("group").at("tools").at("targets")) == strings{"tool-curl", "tool-jq"});
    const auto& targets = all.at("target").as_object();
    REQUIRE(targets.size() == 3);
    const auto& app = targets.at("app").as_object();
    CHECK(app.at("context").as_string() == (dir.path() / "rootfs").string());
    CHECK(strings_at(app.at("platforms")) == strings{"linux/arm64", "linux/amd64"});
    CHECK(strings_at(app.at("tags")) == strings{"127.0.0.1:5000/app:1.4"});
    CHECK(strings_at(app.at("layers")) == strings{"linux/arm64=" + (dir.path() / "arm.tar").string()});
    CHECK(app.at("labels").at("tier").as_string() == "base");
    CHECK(app.at("labels").at("debug").as_string() == "false");
    CHECK(strings_at(targets.at("tool-jq").at("entrypoint")) == strings{"/bin/jq"});
    CHECK_FALSE(targets.at("tool-jq").as_object().contains("tags"));

    // No name: the default group.
    auto defaults = printed(bake_in(dir.path(), {"--print"}));
    CHECK(defaults.at("target").as_object().size() == 1);
    CHECK(strings_at(defaults.at("target").at("app").at("tags")) == strings{"127.0.0.1:5000/app:dev"});
}

TEST_CASE("lading bake evaluates expressions in templates: a tag, a label and a matrix name", "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "docker-bake.json", R"J({
  "variable": {"TAG": {"default": ""}, "RELEASE": {"default": false}},
  "target": {
    "app": {
      "context": "rootfs",
      "tags": ["127.0.0.1:5000/app:${TAG == \"\" ? \"dev\" : lower(TAG)}"],
      "labels": {"channel": "%{if RELEASE && TAG != \"\"}stable%{else}edge%{endif}"},
      "matrix": {"flavour": ["slim", "full"]},
      "name": "app-${flavour}${flavour == \"full\" ? \"-debug\" : \"\"}"
    }
  }
})J");
    auto dev = printed(bake_in(dir.path(), {"app", "--print"}));
    const auto& slim = dev.at("target").at("app-slim");
    CHECK(strings_at(slim.at("tags")) == strings{"127.0.0.1:5000/app:dev"});
    CHECK(slim.at("labels").at("channel").as_string() == "edge");
    CHECK(dev.at("target").as_object().contains("app-full-debug"));

    auto release = printed(bake_in(dir.path(), {"app", "--print"}, {{"TAG", "V1.4"}, {"RELEASE", "true"}}));
    CHECK(strings_at(release.at("target").at("app-slim").at("tags")) == strings{"127.0.0.1:5000/app:v1.4"});
    CHECK(release.at("target").at("app-slim").at("labels").at("channel").as_string() == "stable");

    auto broken = bake_in(dir.path(), {"app", "--print"}, {{"RELEASE", "maybe"}});
    INFO(broken.describe());
    CHECK(broken.exit_code == 2);
    CHECK(contains(broken.err, "variable \"RELEASE\" from the environment (RELEASE): \"maybe\" is not a bool"));
}

TEST_CASE("lading bake --set and --push change the printed targets", "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "docker-bake.json", project_file);
    auto r = printed(bake_in(dir.path(), {"-f", "docker-bake.json", "all", "--print", "--set", "*.platform=linux/s390x",
                                          "--set", "app.tags+=127.0.0.1:5000/app:latest", "--set", "tool-*.labels.k=v",
                                          "--set", "app.output+=type=registry,name=127.0.0.1:5000/other", "--push"}));
    const auto& app = r.at("target").at("app");
    CHECK(strings_at(app.at("platforms")) == strings{"linux/s390x"});
    CHECK(strings_at(app.at("tags")) == strings{"127.0.0.1:5000/app:dev", "127.0.0.1:5000/app:latest"});
    CHECK(strings_at(app.at("output")) ==
          strings{"type=image,compression=zstd,push=true", "type=registry,name=127.0.0.1:5000/other"});
    CHECK(strings_at(r.at("target").at("tool-curl").at("output")) == strings{"type=image,push=true"});
    CHECK(r.at("target").at("tool-curl").at("labels").at("k").as_string() == "v");
    CHECK(strings_at(r.at("target").at("tool-jq").at("platforms")) == strings{"linux/s390x"});

    // A matrix target's own name reaches every target it generates, and only those.
    auto matrix = printed(bake_in(dir.path(), {"all", "--print", "--set", "tools.platforms=linux/arm64,linux/riscv64"}));
    for (auto name : {"tool-curl", "tool-jq"})
        CHECK(strings_at(matrix.at("target").at(name).at("platforms")) == strings{"linux/arm64", "linux/riscv64"});
    CHECK(strings_at(matrix.at("target").at("app").at("platforms")) == strings{"linux/amd64"});
}

TEST_CASE("lading bake finds lading-bake.json before docker-bake.json, and later -f files override", "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "docker-bake.json", R"({"target": {"docker": {}}})");
    auto docker = printed(bake_in(dir.path(), {"--print"}));
    CHECK(docker.at("target").as_object().contains("docker"));

    write_bytes(dir / "lading-bake.json", R"({"target": {"lading": {"tags": ["a:1"], "labels": {"x": "1"}}}})");
    auto lading = printed(bake_in(dir.path(), {"--print"}));
    CHECK(lading.at("target").as_object().contains("lading"));
    CHECK_FALSE(lading.at("target").as_object().contains("docker"));

    write_bytes(dir / "override.json", R"({"target": {"lading": {"tags": ["b:1"], "labels": {"y": "2"}}}})");
    auto merged = printed(bake_in(dir.path(), {"-f", "lading-bake.json", "-f", "override.json", "--print"}));
    CHECK(strings_at(merged.at("target").at("lading").at("tags")) == strings{"b:1"});
    CHECK(merged.at("target").at("lading").at("labels").as_object().size() == 2);

    auto stdin_options = lading_cmd().options({"bake", "-f", "-", "--print"});
    stdin_options.cwd = dir.path();
    stdin_options.stdin_data = R"({"target": {"piped": {"context": "ctx"}}})";
    auto piped = printed(run_process(stdin_options));
    CHECK(piped.at("target").at("piped").at("context").as_string() == (dir.path() / "ctx").string());

    temp_dir empty;
    auto none = bake_in(empty.path(), {"--print"});
    INFO(none.describe());
    CHECK(none.exit_code == 2);
    CHECK(contains(none.err, "no bake file"));
}

TEST_CASE("lading bake --list prints the targets and groups, or the variables", "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "lading-bake.json", project_file);
    auto targets = bake_in(dir.path(), {"--list", "targets"});
    INFO(targets.describe());
    REQUIRE(targets.exit_code == 0);
    CHECK(split_lines(targets.out) == strings{
                                          "NAME       TYPE    DESCRIPTION",
                                          "all        group",
                                          "app        target  the app",
                                          "base       target",
                                          "default    group",
                                          "tool-curl  target",
                                          "tool-jq    target",
                                          "tools      group",
                                      });
    auto variables = bake_in(dir.path(), {"--list=variables"}, {{"TAG", "9"}});
    INFO(variables.describe());
    REQUIRE(variables.exit_code == 0);
    CHECK(split_lines(variables.out) == strings{
                                            "VARIABLE   TYPE          VALUE            DESCRIPTION",
                                            "DEBUG                    false",
                                            "PLATFORMS  list(string)  [\"linux/amd64\"]",
                                            "TAG                      9                image tag",
                                        });
    auto bad = bake_in(dir.path(), {"--list", "everything"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "--list takes targets or variables"));
}

TEST_CASE("lading bake --list works from the definitions when a target is broken", "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "lading-bake.json", R"J({
  "variable": {"TAG": {"default": "dev"}},
  "target": {
    "app": {"description": "the app", "context": "${target.ghost.context}", "tags": ["r/app:${TAG}"]},
    "tool": {"inherits": ["missing"]}
  }
})J");
    auto variables = bake_in(dir.path(), {"--list", "variables", "--set", "nothing.tags=x"});
    INFO(variables.describe());
    REQUIRE(variables.exit_code == 0);
    CHECK(split_lines(variables.out) == strings{"VARIABLE  TYPE  VALUE  DESCRIPTION", "TAG             dev"});
    auto targets = bake_in(dir.path(), {"--list", "targets"});
    INFO(targets.describe());
    REQUIRE(targets.exit_code == 0);
    CHECK(split_lines(targets.out) == strings{"NAME  TYPE    DESCRIPTION", "app   target  the app", "tool  target"});
    auto build = bake_in(dir.path(), {"--print"});
    CHECK(build.exit_code == 2);
    CHECK(contains(build.err, "unknown target \"ghost\" in \"${target.ghost.context}\""));
}

TEST_CASE("lading bake reports every problem as FILE:LINE:COL with the line, exits 2 and exports nothing",
          "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "syntax.json", "{\n  \"target\": {\"a\": {\"tags\": [\"x\"]}\n}\n");
    write_bytes(dir / "bad.json", R"J({
  "variable": {"V": {"defualt": "x"}},
  "group": {"default": {"targets": ["app", "g1"]}, "g1": {"targets": ["g2"]}, "g2": {"targets": ["g1"]}},
  "target": {
    "app": {"tgas": ["x"], "platforms": "linux/amd64", "labels": {"v": "${NOPE}"}, "dockerfile": "Dockerfile"},
    "p": {"inherits": ["q"]},
    "q": {"inherits": ["p"]},
    "m": {"matrix": {"x": "1"}, "name": "m-${x}"}
  }
})J");
    auto store = dir / "store";
    auto r = bake_in(dir.path(), {"-f", "syntax.json", "-f", "bad.json", "app", "missing", "--store", store.string()});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    for (const auto& expected : strings{
             "syntax.json:4:1: JSON syntax: expected ',' or '}', found end of file",
             "bad.json:2:22: unknown key \"defualt\" in variable \"V\"; did you mean \"default\"?",
             "bad.json:5:13: unknown key \"tgas\" in target \"app\"; did you mean \"tags\"?",
             "bad.json:5:41: \"platforms\" must be a list of strings, found a string",
             "bad.json:5:73: unknown variable \"NOPE\"; declare it in a \"variable\" block",
             "bad.json:5:84: \"dockerfile\" is a Dockerfile build key; lading exports directory trees and tarballs",
             "bad.json:7:24: infinite loop from q to p",
             "bad.json:8:27: matrix values must be a list",
             "bad.json:3:98: group loop: g1 -> g2 -> g1",
             "lading: unknown target or group \"missing\"",
             "lading: 10 problems in the bake files; nothing was exported",
         })
        CHECK(contains(r.err, expected));
    // The source line and a caret under the column.
    CHECK(contains(r.err, "bad.json:5:13: unknown key \"tgas\" in target \"app\"; did you mean \"tags\"?\n"
                          "      \"app\": {\"tgas\": [\"x\"], \"platforms\": \"linux/amd64\", \"labels\": {\"v\": \"${NOPE}\"}, "
                          "\"dockerfile\": \"Dockerfile\"},\n"
                          "              ^\n"));
    CHECK_FALSE(fs::exists(store));
}

TEST_CASE("lading bake refuses a directory, bytes that are not UTF-8 and a BOM in one line, exit 2",
          "[integration][bake]")
{
    temp_dir dir;
    fs::create_directory(dir / "conf");
    write_bytes(dir / "latin1.json", "{\"target\": {\"app\": {\n  \"labels\": {\"k\": \"\xFF\xFE\"}}}}\n");
    write_bytes(dir / "bom.json", "\xEF\xBB\xBF{\"target\": {\"app\": {}}}\n");
    auto store = dir / "store";
    auto expect_refused = [&](const std::string& file, const std::string& line) {
        auto r = bake_in(dir.path(), {"-f", file, "--store", store.string()});
        INFO(r.describe());
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == line + "\nlading: 1 problem in the bake files; nothing was exported\n");
    };
    expect_refused("conf", "lading: bake file conf is a directory; name a file");
    expect_refused("latin1.json", "latin1.json:2:20: invalid UTF-8 (byte 0xFF); a bake file must be UTF-8 text");
    expect_refused("bom.json", "bom.json:1:1: the file starts with a UTF-8 byte order mark (BOM), which a bake file "
                               "cannot have; save it without one");
    CHECK_FALSE(fs::exists(store));
}

TEST_CASE("lading bake refuses a label that is not UTF-8 from the environment or --set, and exports nothing",
          "[integration][bake]")
{
    temp_dir dir;
    write_bytes(dir / "rootfs" / "etc" / "motd", "hello\n");
    write_bytes(dir / "docker-bake.json", R"J({"variable": {"NOTE": {"default": "ok"}},
        "target": {"app": {"context": "rootfs", "labels": {"note": "${NOTE}"},
                           "output": ["type=image,name=app:1"]}}})J");
    auto store = dir / "store";
    auto r = bake_in(dir.path(), {"--store", store.string()}, {{"NOTE", "caf\xe9"}});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    CHECK(r.err == "lading: target \"app\": --label note is not valid UTF-8 (at byte 4); image documents are JSON, "
                   "which must be UTF-8\n");
    r = bake_in(dir.path(), {"--store", store.string(), "--set", "app.labels.x=\xff"});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--label x is not valid UTF-8"));
    CHECK_FALSE(fs::exists(store / "index.json"));
}

TEST_CASE("lading bake refuses references nested too deep with exit 2, not a crash", "[integration][bake]")
{
    constexpr int depth = 20000;
    auto name = [](const char* prefix, int i) { return std::string(prefix) + std::to_string(i); };
    temp_dir dir;
    std::string text, expected;
    SECTION("inherits")
    {
        text = R"({"target": {"t0": {"context": "."})";
        for (int i = 1; i < depth; ++i) text += ", \"" + name("t", i) + R"(": {"inherits": [")" + name("t", i - 1) + "\"]}";
        text += "}}";
        expected = "through more than 100 targets";
    }
    SECTION("variables")
    {
        text = R"({"variable": {"V0": {"default": "x"})";
        for (int i = 1; i < depth; ++i) text += ", \"" + name("V", i) + R"(": {"default": "${)" + name("V", i - 1) + "}\"}";
        text += R"(}, "target": {"t19999": {"context": ".", "tags": ["${V19999}"]}}})";
        expected = "through more than 100 references";
    }
    SECTION("${target.NAME.tags}")
    {
        text = R"({"target": {)";
        for (int i = 0; i < depth - 1; ++i)
            text += "\"" + name("t", i) + R"(": {"context": ".", "tags": "${target.)" + name("t", i + 1) + ".tags}\"}, ";
        text += R"("t19999": {"context": ".", "tags": ["x"]}}})";
        expected = "is reached through more than 100 references";
    }
    SECTION("groups")
    {
        text = R"({"group": {)";
        for (int i = 0; i < depth; ++i) text += "\"" + name("g", i) + R"(": {"targets": [")" + name("g", i + 1) + "\"]}, ";
        text += R"("g20000": {"targets": ["t19999"]}}, "target": {"t19999": {"context": "."}}})";
        expected = "through more than 100 groups";
    }
    write_bytes(dir / "deep.json", text);
    auto r = bake_in(dir.path(), {"-f", "deep.json", "t19999", "--print"});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, expected));
}

TEST_CASE("lading bake --print accepts the example files in conf/, JSON and HCL alike", "[integration][bake]")
{
    auto r = bake_in(LADING_CONF_DIR, {"-f", "lading-bake.example.json", "release", "--print"});
    auto doc = printed(r);
    const auto& targets = doc.at("target").as_object();
    CHECK(targets.size() == 3);
    CHECK(targets.at("app").at("context").as_string() == (fs::path(LADING_CONF_DIR) / "sample-rootfs").string());
    CHECK(strings_at(targets.at("tools-jq").at("tags")) == strings{"127.0.0.1:5000/jq:dev"});
    CHECK(targets.at("app").at("source-date-epoch").as_string() == "1700000000");
    // Its HCL twin resolves to the same targets, groups and values.
    auto from_hcl = bake_in(LADING_CONF_DIR, {"-f", "lading-bake.example.hcl", "release", "--print"});
    CHECK(json::serialize(printed(from_hcl)) == json::serialize(doc));
    auto listed = [](const char* file) {
        auto r = bake_in(LADING_CONF_DIR, {"-f", file, "--list", "variables"});
        INFO(r.describe());
        CHECK(r.exit_code == 0);
        return r.out;
    };
    CHECK(listed("lading-bake.example.hcl") == listed("lading-bake.example.json"));
}
