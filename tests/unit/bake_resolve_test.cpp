// Reading bake files into resolved targets: real files in a temporary directory, read the way
// `lading bake` reads them (files merged in order, the environment given explicitly).
#include "bake/resolve_bake.hpp"

#include "common/file_bytes.hpp"
#include "common/temp_dir.hpp"

#include <lading/oci/platform.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace lading::bake;
namespace fs = std::filesystem;

namespace {

struct bake_files {
    lading::test::temp_dir dir{"lading-bake-"};

    fs::path write(const std::string& name, const std::string& text)
    {
        auto path = dir / name;
        lading::test::write_bytes(path, text);
        return path;
    }

    bake_reading read(std::vector<fs::path> files, std::vector<std::string> names = {},
                      std::vector<std::string> overrides = {}, std::map<std::string, std::string> env = {},
                      bool push = false)
    {
        bake_request request;
        request.files = std::move(files);
        request.names = std::move(names);
        request.overrides = std::move(overrides);
        request.environment = std::move(env);
        request.push = push;
        return read_bake(request);
    }
};

std::size_t line_count(const std::string& messages) { return static_cast<std::size_t>(std::count(messages.begin(), messages.end(), '\n')); }

std::string all_messages(const bake_reading& r)
{
    std::string text;
    for (const auto& d : r.problems.list())
        text += d.file.filename().string() + ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column) +
                ": " + d.message + "\n";
    return text;
}

const target& target_named(const bake_reading& r, const std::string& name)
{
    auto it = std::find_if(r.resolved.targets.begin(), r.resolved.targets.end(),
                           [&](const target& t) { return t.name == name; });
    if (it == r.resolved.targets.end()) FAIL("no target " << name << " in the result");
    return *it;
}

std::vector<std::string> names_of(const bake_reading& r)
{
    std::vector<std::string> names;
    for (const auto& t : r.resolved.targets) names.push_back(t.name);
    return names;
}

// Whether the problems hold exactly this message at this line and column.
bool has_problem(const bake_reading& r, int line, int column, const std::string& message)
{
    return std::any_of(r.problems.list().begin(), r.problems.list().end(), [&](const diagnostic& d) {
        return d.at.line == line && d.at.column == column && d.message == message;
    });
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("bake: the default group, named groups of groups, and a lone target", "[bake]")
{
    bake_files f;
    auto file = f.write("lading-bake.json", R"J({
  "group": {
    "default": {"targets": ["all"]},
    "all": {"targets": ["web", "backend"]},
    "backend": {"targets": ["api", "worker", "api"]}
  },
  "target": {"web": {}, "api": {}, "worker": {}, "unused": {}}
})J");
    auto r = f.read({file});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(names_of(r) == strings{"api", "web", "worker"});
    CHECK(r.resolved.groups.at("default") == strings{"all"});
    CHECK(r.resolved.groups.at("backend") == strings{"api", "worker"});

    auto backend = f.read({file}, {"backend", "web"});
    CHECK(names_of(backend) == strings{"api", "web", "worker"});
    CHECK(backend.resolved.groups.at("default") == strings{"backend", "web"});

    auto lone = f.write("lone.json", R"J({"target": {"only": {"tags": ["o:1"]}}})J");
    CHECK(names_of(f.read({lone})) == strings{"only"});

    auto empty = f.read({f.write("empty.json", "{}")});
    CHECK(all_messages(empty) == ":1:1: the bake files define no targets\n");

    auto several = f.read({f.write("several.json", R"J({"target": {"a": {}, "b": {}}})J")});
    CHECK(all_messages(several).find("no \"default\" group and several targets") != std::string::npos);
}

TEST_CASE("bake: a group shadows a target of its name, and its own name in it means the target", "[bake]")
{
    bake_files f;
    auto same = f.write("same.json", R"J({
  "group": {"app": {"targets": ["app", "tools"]}},
  "target": {"app": {"tags": ["app:1"]}, "tools": {}}
})J");
    auto r = f.read({same}, {"app"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(names_of(r) == strings{"app", "tools"});
    CHECK(target_named(r, "app").tags == strings{"app:1"});
    CHECK(r.resolved.groups.at("app") == strings{"app", "tools"});

    auto shadowed = f.write("shadowed.json", R"J({
  "group": {"foo": {"targets": ["image"]}},
  "target": {"foo": {}, "image": {}}
})J");
    auto s = f.read({shadowed}, {"foo"});
    INFO(all_messages(s));
    REQUIRE(s.problems.empty());
    CHECK(names_of(s) == strings{"image"});
}

TEST_CASE("bake: groups that list the same groups many times are expanded once each", "[bake]")
{
    // g0..g39 and h0..h39 each list the next g and h: 2^40 paths, 80 groups.
    std::string groups;
    for (int i = 0; i < 40; ++i)
        for (auto g : {"g", "h"})
            groups += "\"" + std::string(g) + std::to_string(i) + "\": {\"targets\": [\"g" + std::to_string(i + 1) +
                      "\", \"h" + std::to_string(i + 1) + "\"]},";
    groups += R"("g40": {"targets": ["leaf"]}, "h40": {"targets": ["leaf"]})";
    bake_files f;
    auto file = f.write("wide.json", R"({"group": {)" + groups + R"(}, "target": {"leaf": {}}})");
    auto r = f.read({file}, {"g0"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(names_of(r) == strings{"leaf"});
    CHECK(r.resolved.groups.size() == 82);  // the 81 groups and "default"
}

namespace {
// The variables V0 .. V<levels> of a bake file, each V<i> twice V<i+1> (one string, or a list
// of two), V<levels> = "ab": a few hundred bytes that would expand to 2^levels copies.
std::string doubling_chain(int levels, bool as_list)
{
    std::string variables;
    for (int i = 0; i < levels; ++i) {
        const auto next = "${V" + std::to_string(i + 1) + "}";
        const auto twice = as_list ? "[\"" + next + "\", \"" + next + "\"]" : "\"" + next + next + "\"";
        variables += "\"V" + std::to_string(i) + "\": {\"default\": " + twice + "},";
    }
    return variables + "\"V" + std::to_string(levels) + "\": {\"default\": \"ab\"}";
}
}  // namespace

TEST_CASE("bake: a string that interpolation makes longer than 1 MiB is an error", "[bake]")
{
    // V0 = V1 V1, V1 = V2 V2, ... V28 = "ab": 2^29 bytes.
    const auto variables = doubling_chain(28, false);
    bake_files f;
    auto file = f.write("double.json", R"({"variable": {)" + variables + R"(}, "target": {"t": {"tags": ["${V0}"]}}})");
    auto r = f.read({file});
    auto text = all_messages(r);
    INFO(text);
    CHECK(r.problems.list().size() == 1);
    CHECK(text.find("\"${V9}\" makes the string longer than 1 MiB") != std::string::npos);
}

TEST_CASE("bake: a list that interpolation makes larger than 1 MiB is an error", "[bake]")
{
    // V0 = [V1, V1], V1 = [V2, V2], ... V30 = "ab": 2^30 strings.
    const auto variables = doubling_chain(30, true);
    bake_files f;
    auto file = f.write("double.json", R"({"variable": {)" + variables + R"(}, "target": {"t": {"tags": ["x"]}}})");
    auto r = f.read({file});
    auto text = all_messages(r);
    INFO(text);
    CHECK(r.problems.list().size() == 2);  // both references to the same variable
    CHECK(text.find("is longer than 1 MiB as JSON") != std::string::npos);
}

TEST_CASE("bake: a matrix of more than 10000 combinations is an error", "[bake]")
{
    bake_files f;
    auto file = f.write("huge.json", R"({"target": {"m": {"name": "m-${a}-${b}-${c}-${d}-${e}-${f}-${g}-${h}-${i}",
      "matrix": {"a": [0,1,2,3,4,5,6,7,8,9], "b": [0,1,2,3,4,5,6,7,8,9], "c": [0,1,2,3,4,5,6,7,8,9],
                 "d": [0,1,2,3,4,5,6,7,8,9], "e": [0,1,2,3,4,5,6,7,8,9], "f": [0,1,2,3,4,5,6,7,8,9],
                 "g": [0,1,2,3,4,5,6,7,8,9], "h": [0,1,2,3,4,5,6,7,8,9], "i": [0,1,2,3,4,5,6,7,8,9]}}}})");
    auto r = f.read({file});
    auto text = all_messages(r);
    INFO(text);
    CHECK(has_problem(r, 2, 17, "matrix target \"m\" has more than 10000 combinations"));
    CHECK(r.problems.list().size() == 1);
}

TEST_CASE("bake: inherits merges parents in order, the child last", "[bake]")
{
    bake_files f;
    auto file = f.write("b.json", R"J({
  "target": {
    "base": {"context": "root", "platforms": ["linux/amd64"], "labels": {"a": "base", "b": "base"},
             "annotations": ["index:x=1"], "tags": ["base:1"], "cmd": ["/base"]},
    "extra": {"labels": {"b": "extra"}, "tags": ["extra:1"], "layers": ["top.tar"]},
    "app": {"inherits": ["base", "extra"], "labels": {"c": "app"}, "annotations": ["manifest:y=2"],
            "env": {"K": "V"}, "user": "1000"}
  }
})J");
    auto r = f.read({file}, {"app"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.context == (f.dir.path() / "root"));
    CHECK(app.platforms == strings{"linux/amd64"});
    CHECK(app.tags == strings{"extra:1"});
    CHECK(app.labels == std::map<std::string, std::string>{{"a", "base"}, {"b", "extra"}, {"c", "app"}});
    CHECK(app.annotations == strings{"index:x=1", "manifest:y=2"});
    CHECK(app.layers == strings{(f.dir.path() / "top.tar").string()});
    CHECK(app.cmd == strings{"/base"});
    CHECK(app.env.at("K") == "V");
    CHECK(app.user == "1000");
    CHECK(names_of(r) == strings{"app"});
}

TEST_CASE("bake: what parents, files and --set give more than once is there once", "[bake]")
{
    bake_files f;
    auto file = f.write("b.json", R"J({
  "target": {
    "base": {"layers": ["x.tar"], "annotations": ["index:x=1"], "attest": ["type=provenance", "type=sbom,path=s.json"]},
    "b": {"inherits": ["base"], "layers": ["b.tar"]},
    "c": {"inherits": ["base"], "layers": ["c.tar", "x.tar"]},
    "a": {"inherits": ["b", "c"], "annotations": ["index:x=1"], "tags": ["dup:1", "other:1", "dup:1"],
          "platforms": ["linux/amd64", "linux/amd64"]},
    "child": {"inherits": ["base"], "attest": ["type=provenance,mode=min"]}
  }
})J");
    auto r = f.read({file}, {"a", "child"}, {"a.tags+=other:1"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& a = target_named(r, "a");
    auto at = [&](const std::string& name) { return (f.dir.path() / name).string(); };
    CHECK(a.layers == strings{at("x.tar"), at("b.tar"), at("c.tar")});
    CHECK(a.annotations == strings{"index:x=1"});
    CHECK(a.tags == strings{"dup:1", "other:1"});
    CHECK(a.platforms == strings{"linux/amd64"});
    CHECK(a.attest == strings{"type=provenance", "type=sbom,path=" + at("s.json")});
    CHECK(target_named(r, "child").attest == strings{"type=provenance,mode=min", "type=sbom,path=" + at("s.json")});
}

TEST_CASE("bake: a matrix makes one target per combination and its name builds them all", "[bake]")
{
    bake_files f;
    auto file = f.write("m.json", R"J({
  "variable": {"REG": {"default": "r.example"}},
  "target": {
    "base": {"labels": {"from": "base"}},
    "tool": {
      "inherits": ["base"],
      "description": "tools",
      "matrix": {"name": ["curl", "jq"], "conf": [{"tag": "min", "level": 1}, {"tag": "max", "level": 9}]},
      "name": "tool-${name}-${conf.tag}",
      "tags": ["${REG}/${name}:${conf.tag}"],
      "output": ["type=image,compression=zstd,compression-level=${conf.level}"]
    }
  }
})J");
    auto r = f.read({file}, {"tool"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(names_of(r) == strings{"tool-curl-max", "tool-curl-min", "tool-jq-max", "tool-jq-min"});
    CHECK(r.resolved.groups.at("tool") == strings{"tool-curl-min", "tool-curl-max", "tool-jq-min", "tool-jq-max"});
    const auto& jq = target_named(r, "tool-jq-max");
    CHECK(jq.tags == strings{"r.example/jq:max"});
    CHECK(jq.outputs == strings{"type=image,compression=zstd,compression-level=9"});
    CHECK(jq.labels.at("from") == "base");
    CHECK(jq.description == "tools");
    CHECK(names_of(f.read({file}, {"tool-curl-min"})) == strings{"tool-curl-min"});

    // A later file that defines the matrix target again merges into the same targets.
    auto over = f.write("m-over.json", R"J({"target": {"tool": {"matrix": {"name": ["curl"], "conf": [{"tag": "min"}]},
                                                                 "name": "tool-${name}-${conf.tag}", "user": "7"}}})J");
    auto merged = f.read({file, over}, {"tool"});
    INFO(all_messages(merged));
    REQUIRE(merged.problems.empty());
    CHECK(names_of(merged).size() == 4);
    CHECK(target_named(merged, "tool-curl-min").user == "7");
    CHECK(target_named(merged, "tool-curl-min").tags == strings{"r.example/curl:min"});
    CHECK_FALSE(target_named(merged, "tool-jq-min").user);
}

TEST_CASE("bake: variables take the environment, converted to their type", "[bake]")
{
    bake_files f;
    auto file = f.write("v.json", R"J({
  "variable": {
    "TAG": {"default": "latest", "description": "the tag"},
    "REPO": {"default": "app-${TAG}"},
    "EPOCH": {"type": "number", "default": 0},
    "DEBUG": {"default": false},
    "PLATFORMS": {"type": "list(string)", "default": ["linux/amd64"]},
    "EXTRA": {"type": "map(string)", "default": {"a": "1"}}
  },
  "target": {
    "app": {
      "tags": ["${REPO}:${TAG}", "$${TAG}"],
      "platforms": "${PLATFORMS}",
      "labels": "${EXTRA}",
      "env": {"DEBUG": "${DEBUG}"},
      "source-date-epoch": "${EPOCH}"
    }
  }
})J");
    auto defaults = f.read({file});
    INFO(all_messages(defaults));
    REQUIRE(defaults.problems.empty());
    const auto& d = target_named(defaults, "app");
    CHECK(d.tags == strings{"app-latest:latest", "${TAG}"});
    CHECK(d.platforms == strings{"linux/amd64"});
    CHECK(d.labels == std::map<std::string, std::string>{{"a", "1"}});
    CHECK(d.env.at("DEBUG") == "false");
    CHECK(d.source_date_epoch == "0");

    auto r = f.read({file}, {}, {},
                    {{"TAG", "1.2"}, {"EPOCH", "1700000000"}, {"DEBUG", "1"},
                     {"PLATFORMS", "linux/arm64,linux/riscv64"}, {"EXTRA", R"J({"b": "2"})J"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& e = target_named(r, "app");
    CHECK(e.tags == strings{"app-1.2:1.2", "${TAG}"});
    CHECK(e.platforms == strings{"linux/arm64", "linux/riscv64"});
    CHECK(e.labels == std::map<std::string, std::string>{{"b", "2"}});
    CHECK(e.env.at("DEBUG") == "true");
    CHECK(e.source_date_epoch == "1700000000");

    auto listing = r.variables;
    REQUIRE(listing.size() == 6);
    CHECK(listing[0].name == "DEBUG");
    CHECK(listing[0].value == "true");
    CHECK(listing[3].name == "PLATFORMS");
    CHECK(listing[3].type == "list(string)");
    CHECK(listing[3].value == R"(["linux/arm64","linux/riscv64"])");
    CHECK(listing[5].description == "the tag");

    auto bad = f.read({file}, {}, {}, {{"EPOCH", "soon"}, {"DEBUG", "maybe"}});
    CHECK(has_problem(bad, 5, 5, "variable \"EPOCH\" from the environment (EPOCH): \"soon\" is not a number"));
    CHECK(has_problem(bad, 6, 5, "variable \"DEBUG\" from the environment (DEBUG): \"maybe\" is not a bool (true or false)"));
}

TEST_CASE("bake: NAME_JSON gives a typed variable a JSON value, as bake's JSON overrides do", "[bake][variables]")
{
    bake_files f;
    auto file = f.write("j.hcl", R"H(variable "PLATFORMS" {
  type = list(string)
  default = ["linux/amd64"]
}
variable "ARGS" {
  type = map(string)
  default = {}
}
variable "NAME" {
  default = "app"
}
variable "COUNT" {
  type = number
  default = 1
}
variable "LOOSE" {
  type = any
  default = "x"
}
variable "TAKEN" {
  type = list(string)
  default = ["kept"]
}
variable "TAKEN_JSON" {
  default = "mine"
}
target "app" {
  platforms = PLATFORMS
  labels = ARGS
  tags = ["${NAME}:${COUNT}", TAKEN[0]]
}
)H");
    auto r = f.read({file}, {}, {},
                    {{"PLATFORMS", "linux/s390x"}, {"PLATFORMS_JSON", R"(["linux/arm64", "linux/riscv64"])"},
                     {"ARGS_JSON", R"({"a,b": "1,2", "n": 3})"}, {"NAME", "plain"}, {"NAME_JSON", "\"json\""},
                     {"COUNT_JSON", "7"}, {"TAKEN_JSON", R"(["json"])"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    // A typed variable takes NAME_JSON over NAME; an untyped one takes NAME when it is there.
    CHECK(app.platforms == strings{"linux/arm64", "linux/riscv64"});
    CHECK(app.labels == std::map<std::string, std::string>{{"a,b", "1,2"}, {"n", "3"}});
    // A variable named TAKEN_JSON is no override of TAKEN: the environment sets it instead.
    CHECK(app.tags == strings{"plain:7", "kept"});

    // Without NAME, an untyped variable reads NAME_JSON as it would read NAME: as text.
    auto text = f.read({file}, {}, {}, {{"NAME_JSON", "\"json\""}});
    REQUIRE(text.problems.empty());
    CHECK(target_named(text, "app").tags == strings{"\"json\":1", "kept"});

    auto bad = f.read({file}, {}, {},
                      {{"PLATFORMS_JSON", R"(["linux/arm64")"}, {"COUNT_JSON", R"("many")"}, {"LOOSE_JSON", "[1]"}});
    auto messages = all_messages(bad);
    CHECK(messages.find("variable \"PLATFORMS\" from the environment (PLATFORMS_JSON): \"[\"linux/arm64\"\" is not valid "
                        "JSON") != std::string::npos);
    CHECK(messages.find("variable \"COUNT\" from the environment (COUNT_JSON): \"\"many\"\": expected number, found "
                        "a string") != std::string::npos);
    CHECK(messages.find("variable \"LOOSE\" from the environment (LOOSE_JSON): a variable of type any takes no JSON "
                        "value from the environment") != std::string::npos);
}

TEST_CASE("bake: a typed variable without a value is null; an untyped list or map default gives the type", "[bake]")
{
    bake_files f;
    auto file = f.write("v.json", R"J({
  "variable": {
    "USER": {"type": "string"},
    "TAGS": {"default": ["a:1"]},
    "LABELS": {"default": {"a": "1"}}
  },
  "target": {"app": {"user": "${USER}", "tags": "${TAGS}", "labels": "${LABELS}"}}
})J");
    auto defaults = f.read({file});
    INFO(all_messages(defaults));
    REQUIRE(defaults.problems.empty());
    const auto& d = target_named(defaults, "app");
    CHECK_FALSE(d.user);
    CHECK(d.tags == strings{"a:1"});

    auto r = f.read({file}, {}, {}, {{"USER", "1000"}, {"TAGS", "b:1,c:1"}, {"LABELS", R"J({"b": "2"})J"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& e = target_named(r, "app");
    CHECK(e.user == "1000");
    CHECK(e.tags == strings{"b:1", "c:1"});
    CHECK(e.labels == std::map<std::string, std::string>{{"b", "2"}});
}

TEST_CASE("bake: BAKE_LOCAL_PLATFORM is built in, and neither a block nor the environment changes it", "[bake]")
{
    bake_files f;
    auto plain = f.write("plain.json", R"J({
  "target": {"app": {"platforms": ["${BAKE_LOCAL_PLATFORM}"], "labels": {"built-on": "${BAKE_LOCAL_PLATFORM}"}}}
})J");
    auto r = f.read({plain}, {}, {}, {{"BAKE_LOCAL_PLATFORM", "linux/s390x"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto host = lading::platform::host().str();
    CHECK(target_named(r, "app").platforms == strings{host});
    CHECK(target_named(r, "app").labels.at("built-on") == host);
    CHECK(r.variables.empty());  // built-ins are not listed, as in bake

    auto declared = f.write("declared.json", R"J({
  "variable": {"BAKE_LOCAL_PLATFORM": {"default": "linux/ppc64le"}, "P": {"default": "${BAKE_LOCAL_PLATFORM}"}},
  "target": {"app": {"platforms": ["${P}"]}}
})J");
    auto d = f.read({declared});
    INFO(all_messages(d));
    REQUIRE(d.problems.empty());
    CHECK(target_named(d, "app").platforms == strings{host});
    REQUIRE(d.variables.size() == 1);
    CHECK(d.variables[0].name == "P");
    CHECK(d.variables[0].value == host);
}

TEST_CASE("bake: BAKE_CMD_CONTEXT is cwd://, and cwd:// paths are in the working directory", "[bake]")
{
    bake_files f;
    auto file = f.write("sub/lading-bake.json", R"J({
  "target": {"app": {"context": "${BAKE_CMD_CONTEXT}", "layers": ["cwd://extra/x.tar", "linux/arm64=cwd://a.tar",
                                                                  "here.tar"]}}
})J");
    auto r = f.read({file}, {}, {}, {{"BAKE_CMD_CONTEXT", "/elsewhere"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto cwd = fs::current_path();
    const auto& app = target_named(r, "app");
    CHECK(app.context == cwd);
    CHECK(app.layers == strings{(cwd / "extra/x.tar").string(), "linux/arm64=" + (cwd / "a.tar").string(),
                                (f.dir / "sub/here.tar").string()});
}

TEST_CASE("bake: listings read only what they show, so a broken target does not stop them", "[bake][list]")
{
    bake_files f;
    auto file = f.write("l.json", R"J({
  "variable": {"TAG": {"default": "1", "description": "the tag"}},
  "group": {"default": {"targets": ["app", "ghost"]}, "g1": {"targets": ["g2"]}, "g2": {"targets": ["g1"]}},
  "target": {
    "base": {"description": "the base", "context": "${target.ghost.context}"},
    "app": {"inherits": ["base", "nope"], "description": "app ${TAG}", "tags": ["${UNDECLARED}"]},
    "child": {"inherits": ["base"]},
    "m": {"matrix": {"v": ["a", "b"]}, "name": "m-${v}", "description": "many", "labels": {"x": "${NOPE}"}}
  }
})J");
    auto read_for = [&](bake_purpose purpose) {
        bake_request request;
        request.files = {file};
        request.overrides = {"nomatch.tags=x"};
        request.purpose = purpose;
        return read_bake(request);
    };
    auto exported = read_for(bake_purpose::export_targets);
    CHECK_FALSE(exported.problems.empty());

    auto variables = read_for(bake_purpose::list_variables);
    INFO(all_messages(variables));
    CHECK(variables.problems.empty());
    REQUIRE(variables.variables.size() == 1);
    CHECK(variables.variables[0].value == "1");

    auto targets = read_for(bake_purpose::list_targets);
    INFO(all_messages(targets));
    CHECK(targets.problems.empty());
    std::vector<std::string> rows;
    for (const auto& t : targets.targets) rows.push_back(t.name + (t.group ? " group " : " target ") + t.description);
    CHECK(rows == strings{"app target app 1", "base target the base", "child target ", "default group ",
                          "g1 group ", "g2 group ", "m group many", "m-a target many", "m-b target many"});
}

TEST_CASE("bake: listing targets still reports problems in what it shows", "[bake][list]")
{
    bake_files f;
    auto file = f.write("l.json", R"J({
  "target": {"app": {"description": "${NOPE}"}, "m": {"matrix": {"v": "a"}, "name": "m-${v}"}}
})J");
    bake_request request;
    request.files = {file};
    request.purpose = bake_purpose::list_targets;
    auto r = read_bake(request);
    CHECK(has_problem(r, 2, 38, "unknown variable \"NOPE\"; declare it in a \"variable\" block"));
    CHECK(has_problem(r, 2, 71, "matrix values must be a list"));
    CHECK(r.problems.list().size() == 2);
}

TEST_CASE("bake: strings are HCL templates with %{if} and %{for}, in keys and matrix names too", "[bake][template]")
{
    bake_files f;
    auto file = f.write("t.json", R"J({
  "variable": {"DEBUG": {"default": false}, "TAGS": {"default": ["1", "latest"]}},
  "target": {
    "app": {"labels": {"flavour": "%{if DEBUG}debug%{else}release%{endif}",
                       "%{for t in TAGS}${t}.%{endfor}": "%{for t in TAGS ~}\n  r/app:${t}\n%{~ endfor}",
                       "literal": "%%{if DEBUG} $${TAGS}"}},
    "m": {"matrix": {"v": ["a", "b"]}, "name": "m-${v}%{if DEBUG}-debug%{endif}"}
  }
})J");
    auto r = f.read({file}, {"app", "m"}, {}, {{"DEBUG", "true"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(target_named(r, "app").labels == std::map<std::string, std::string>{{"flavour", "debug"},
                                                                             {"1.latest.", "r/app:1r/app:latest"},
                                                                             {"literal", "%{if DEBUG} ${TAGS}"}});
    CHECK(names_of(r) == strings{"app", "m-a-debug", "m-b-debug"});
}

TEST_CASE("bake: several files merge, the last one winning for lists and merging maps", "[bake]")
{
    bake_files f;
    auto first = f.write("docker-bake.json", R"J({
  "variable": {"TAG": {"default": "1"}},
  "target": {"app": {"context": "ctx", "tags": ["a:${TAG}"], "platforms": ["linux/amd64"],
                     "labels": {"x": "1", "y": "1"}, "annotations": ["index:a=1"], "output": ["type=image"]}}
})J");
    auto second = f.write("over/override.json", R"J({
  "variable": {"TAG": {"default": "2"}},
  "target": {"app": {"tags": ["b:${TAG}"], "labels": {"y": "2"}, "annotations": ["index:b=2"],
                     "layers": ["linux/arm64=arm.tar"]}}
})J");
    auto r = f.read({first, second});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.context == f.dir.path() / "ctx");
    CHECK(app.tags == strings{"b:2"});
    CHECK(app.platforms == strings{"linux/amd64"});
    CHECK(app.outputs == strings{"type=image"});
    CHECK(app.labels == std::map<std::string, std::string>{{"x", "1"}, {"y", "2"}});
    CHECK(app.annotations == strings{"index:a=1", "index:b=2"});
    CHECK(app.layers == strings{"linux/arm64=" + (f.dir.path() / "over/arm.tar").string()});
}

TEST_CASE("bake: --set overrides keys of the targets its glob matches", "[bake]")
{
    bake_files f;
    auto file = f.write("s.json", R"J({
  "target": {
    "app-a": {"tags": ["a:1"], "platforms": ["linux/amd64"], "output": ["type=image"], "labels": {"k": "v"}},
    "app-b": {"tags": ["b:1"]},
    "other": {"tags": ["o:1"], "attest": ["type=sbom,path=sbom.json"]}
  }
})J");
    auto r = f.read({file}, {"app-a", "app-b", "other"},
                    {"app-*.tags+=extra:1", "*.platform=linux/arm64,linux/amd64", "other.tags=o:2",
                     "other.tags=o:3", "app-a.labels.k=w", "app-a.env.E=1", "app-b.cmd=[\"/b\", \"x\"]",
                     "other.attest+=type=provenance", "app-a.description=first", "app-?.user=2"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& a = target_named(r, "app-a");
    CHECK(a.tags == strings{"a:1", "extra:1"});
    CHECK(a.platforms == strings{"linux/arm64", "linux/amd64"});
    CHECK(a.labels.at("k") == "w");
    CHECK(a.env.at("E") == "1");
    CHECK(a.description == "first");
    CHECK(a.user == "2");
    const auto& b = target_named(r, "app-b");
    CHECK(b.tags == strings{"b:1", "extra:1"});
    CHECK(b.cmd == strings{"/b", "x"});
    const auto& other = target_named(r, "other");
    CHECK(other.tags == strings{"o:2", "o:3"});
    CHECK(other.platforms == strings{"linux/arm64", "linux/amd64"});
    CHECK(other.attest == strings{"type=sbom,path=" + (f.dir.path() / "sbom.json").string(), "type=provenance"});
    CHECK_FALSE(other.user);

    auto cleared = f.read({file}, {"app-a"}, {"app-a.tags=", "app-a.platforms="});
    CHECK(target_named(cleared, "app-a").tags.empty());
    CHECK(target_named(cleared, "app-a").platforms.empty());

    auto bad = f.read({file}, {"app-a"}, {"nothing*.tags=x", "app-a.tgas=x", "app-a", "app-a.inherits=other",
                                         "app-a.dockerfile=Dockerfile", "app-a.user+=x", "app-a.labels=x"});
    auto text = all_messages(bad);
    CHECK(text.find("could not find any target matching \"nothing*\"") != std::string::npos);
    CHECK(text.find("unknown key: tgas; did you mean \"tags\"?") != std::string::npos);
    CHECK(text.find("--set \"app-a\" must be PATTERN.KEY=VALUE") != std::string::npos);
    CHECK(text.find("\"inherits\" cannot be changed with --set") != std::string::npos);
    CHECK(text.find("\"dockerfile\" is a Dockerfile build key") != std::string::npos);
    CHECK(text.find("+= appends to lists and \"user\" is not one") != std::string::npos);
    CHECK(text.find("name the entry: app-a.labels.KEY=VALUE") != std::string::npos);
    CHECK(bad.problems.list().size() == 7);
}

TEST_CASE("bake: --set adds annotations and replaces only the attest of its type", "[bake]")
{
    bake_files f;
    auto file = f.write("b.json", R"J({"target": {"app": {"annotations": ["index:x=1"],
      "attest": ["type=sbom,path=s.json", "type=provenance"]}}})J");
    auto r = f.read({file}, {}, {"app.annotations=manifest:y=2", "app.attest=type=provenance,mode=min"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.annotations == strings{"index:x=1", "manifest:y=2"});
    CHECK(app.attest == strings{"type=sbom,path=" + (f.dir.path() / "s.json").string(), "type=provenance,mode=min"});
}

TEST_CASE("bake: --set with a matrix target's name reaches every target it generates", "[bake]")
{
    bake_files f;
    auto file = f.write("m.json", R"J({
  "group": {"all": {"targets": ["tools", "app"]}},
  "target": {
    "app": {"tags": ["app:1"]},
    "tools": {"matrix": {"tool": ["curl", "jq"]}, "name": "tool-${tool}", "tags": ["${tool}:1"]}
  }
})J");
    auto r = f.read({file}, {"all"}, {"tools.platforms=linux/arm64,linux/amd64", "tool-jq.tags+=jq:2", "tool-*.user=5"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(target_named(r, "tool-curl").platforms == strings{"linux/arm64", "linux/amd64"});
    CHECK(target_named(r, "tool-jq").platforms == strings{"linux/arm64", "linux/amd64"});
    CHECK(target_named(r, "app").platforms.empty());
    CHECK(target_named(r, "tool-curl").tags == strings{"curl:1"});
    CHECK(target_named(r, "tool-jq").tags == strings{"jq:1", "jq:2"});
    CHECK(target_named(r, "tool-curl").user == "5");
    CHECK_FALSE(target_named(r, "app").user);

    // Groups are not --set patterns (as in bake), and a pattern must match some target.
    auto bad = f.read({file}, {"all"}, {"all.tags=x", "tool.tags=x"});
    auto text = all_messages(bad);
    CHECK(text.find("could not find any target matching \"all\"; \"all\" is a group and --set names targets (or a "
                    "glob over them)") != std::string::npos);
    CHECK(text.find("could not find any target matching \"tool\"\n") != std::string::npos);
    CHECK(bad.problems.list().size() == 2);
}

TEST_CASE("bake: object keys are interpolated like values", "[bake]")
{
    bake_files f;
    auto file = f.write("k.json", R"J({
  "variable": {"NS": {"default": "example"}, "N": {"type": "number", "default": 3}},
  "target": {
    "app": {"labels": {"org.${NS}.x": "v", "plain": "p", "n${N}": "${NS}", "${N}": "n", "label-$${x}": "l"},
            "env": {"${NS}_HOME": "/h"}},
    "tools": {"matrix": {"tool": ["curl", "jq"]}, "name": "tool-${tool}", "labels": {"${tool}.version": "1"}}
  }
})J");
    auto r = f.read({file}, {"app", "tools"}, {}, {{"NS", "from-env"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.labels == std::map<std::string, std::string>{
                            {"org.from-env.x", "v"}, {"plain", "p"}, {"n3", "from-env"}, {"3", "n"}, {"label-${x}", "l"}});
    CHECK(app.env == std::map<std::string, std::string>{{"from-env_HOME", "/h"}});
    CHECK(target_named(r, "tool-jq").labels == std::map<std::string, std::string>{{"jq.version", "1"}});

    auto broken = f.write("k-bad.json", R"J({
  "variable": {"A": {"default": "x"}, "LIST": {"type": "list(string)", "default": ["a"]}},
  "target": {
    "app": {"labels": {"k.x": "1", "k.${A}": "2"}, "env": {"E_${MISSING}": "v", "${LIST}": "w"}}
  }
})J");
    auto bad = f.read({broken}, {"app"});
    INFO(all_messages(bad));
    CHECK(has_problem(bad, 4, 36, "duplicate key \"k.x\" (written \"k.${A}\"); the same key is at line 4, column 24"));
    CHECK(has_problem(bad, 4, 63, "unknown variable \"MISSING\"; declare it in a \"variable\" block"));
    CHECK(has_problem(bad, 4, 81, "an object key must be a string; \"${LIST}\" is a list"));
    CHECK(bad.problems.list().size() == 3);
}

TEST_CASE("bake: ${target.NAME.KEY} reads another target's key as its file writes it", "[bake]")
{
    bake_files f;
    auto file = f.write("t.json", R"J({
  "variable": {"REG": {"default": "r.example"}},
  "target": {
    "app": {"tags": "${target.base.tags}", "labels": {"built-from": "${target.base.name}"},
            "platforms": "${target.tool-jq.platforms}", "from": "${target.base.from}"},
    "base": {"tags": ["${REG}/base:1"], "user": "1000"},
    "child": {"inherits": ["base"]},
    "reader": {"user": "${target.child.user}", "workdir": "/home/${target.base.user}", "description": null},
    "tools": {"matrix": {"tool": ["curl", "jq"]}, "name": "tool-${tool}", "platforms": ["linux/arm64"],
              "tags": ["${REG}/${tool}:${target.base.user}"]}
  }
})J");
    auto r = f.read({file}, {"app", "reader", "tools"}, {"base.tags=other:2"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.tags == strings{"r.example/base:1"});  // a target defined later; --set does not reach references
    CHECK(app.labels.at("built-from") == "base");
    CHECK(app.platforms == strings{"linux/arm64"});
    CHECK_FALSE(app.from);  // a key the target does not set leaves this one unset
    CHECK_FALSE(target_named(r, "reader").user);  // as written: before inherits
    CHECK(target_named(r, "reader").workdir == "/home/1000");
    CHECK_FALSE(target_named(r, "reader").description);  // null leaves a key unset
    CHECK(target_named(r, "tool-jq").tags == strings{"r.example/jq:1000"});

    auto broken = f.write("t-bad.json", R"J({
  "target": {
    "a": {"tags": "${target.b.tags}", "user": "${target.nope.user}"},
    "b": {"tags": "${target.a.tags}", "description": "${target.m.tags} ${target.a.tgas} ${target.a}"},
    "m": {"matrix": {"x": ["1"]}, "name": "m-${x}"}
  },
  "group": {"g": {"targets": ["${target.a.name}"]}}
})J");
    auto bad = f.read({broken}, {"a"});
    INFO(all_messages(bad));
    CHECK(has_problem(bad, 4, 20, "reference loop: \"${target.a.tags}\" depends on itself"));
    CHECK(has_problem(bad, 3, 48, "unknown target \"nope\" in \"${target.nope.user}\""));
    CHECK(has_problem(bad, 4, 55, "\"m\" is a matrix target; reference one of the targets it generates"));
    CHECK(has_problem(bad, 4, 72, "unknown key \"tgas\" in \"${target.a.tgas}\"; did you mean \"tags\"?"));
    CHECK(has_problem(bad, 4, 89, "\"${target.a}\" names no key; write ${target.a.KEY}"));
    CHECK(has_problem(bad, 7, 32, "\"${target.a.name}\" works only in a target's keys"));
    CHECK(bad.problems.list().size() == 6);
}

TEST_CASE("bake: --push pushes image outputs as buildx does", "[bake]")
{
    bake_files f;
    auto file = f.write("p.json", R"J({
  "target": {
    "none": {},
    "image": {"output": ["type=image,name=a:1,push=false", "type=registry,name=r/a:1"]},
    "set-false": {"output": ["type=image,name=b:1", "type=registry,name=r/b:1"]}
  }
})J");
    auto r = f.read({file}, {"none", "image", "set-false"}, {"set-false.push=false"}, {}, true);
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    CHECK(target_named(r, "none").outputs == strings{"type=image,push=true"});
    CHECK(target_named(r, "image").outputs == strings{"type=image,name=a:1,push=true", "type=registry,name=r/a:1"});
    // --set false first drops the registry output; --push then pushes the image one again.
    CHECK(target_named(r, "set-false").outputs == strings{"type=image,name=b:1,push=true"});

    auto off = f.read({file}, {"set-false"}, {"set-false.push=false"});
    CHECK(target_named(off, "set-false").outputs == strings{"type=image,name=b:1,push=false"});
}

TEST_CASE("bake: every problem in every file is reported at its line and column", "[bake][diagnostics]")
{
    bake_files f;
    auto broken = f.write("broken.json", "{\n  \"target\": {\"x\": {\"tags\": [\"a\",]}}\n}\n");
    auto file = f.write("problems.json", R"J({
  "variable": {"N": {"type": "number", "defualt": 1}, "T": {"type": "lst(string)"}},
  "group": {"default": {"targets": ["a", "nope"]}, "g1": {"targets": ["g2"]}, "g2": {"targets": ["g1"]}},
  "target": {
    "a": {"inherits": ["b"], "tag": ["x"], "dockerfile": "Dockerfile", "platforms": "linux/amd64"},
    "b": {"inherits": ["a"], "labels": {"k": "v-${UNDECLARED}"}, "cmd": 5},
    "c": {"inherits": ["c"]},
    "d": {"matrix": ["x"], "name": "d-${x}"},
    "e": {"matrix": {"x": "one"}, "name": "e-${x}"},
    "f": {"matrix": {"x": ["1", "2"]}, "name": "f"},
    "g": {"name": "g", "source-date-epoch": "yesterday"},
    "h": {"inherits": ["d", "missing"]}
  },
  "targets": {}
})J");
    auto r = f.read({broken, file}, {"a", "unknown"});
    auto text = all_messages(r);
    INFO(text);
    CHECK(has_problem(r, 2, 33, "JSON syntax: trailing comma before ']'"));
    CHECK(has_problem(r, 2, 40, "unknown key \"defualt\" in variable \"N\"; did you mean \"default\"?"));
    CHECK(has_problem(r, 2, 69, "unknown variable type \"lst(string)\"; use string, number, bool, list(T), map(T) or any"));
    CHECK(text.find(":3:42: unknown target or group \"nope\"") != std::string::npos);
    CHECK(has_problem(r, 3, 98, "group loop: g1 -> g2 -> g1"));
    CHECK(has_problem(r, 5, 30, "unknown key \"tag\" in target \"a\"; did you mean \"tags\"?"));
    CHECK(has_problem(r, 5, 44, "\"dockerfile\" is a Dockerfile build key; lading exports directory trees and "
                                "tarballs, it does not run builds (use \"context\", \"layers\" and \"from\")"));
    CHECK(has_problem(r, 5, 85, "\"platforms\" must be a list of strings, found a string"));
    CHECK(has_problem(r, 6, 49, "unknown variable \"UNDECLARED\"; declare it in a \"variable\" block"));
    CHECK(has_problem(r, 6, 73, "\"cmd\" must be a list of strings or a string, found a number"));
    CHECK(has_problem(r, 6, 24, "infinite loop from b to a"));
    CHECK(has_problem(r, 12, 24, "unknown target \"d\" in \"inherits\"; did you mean \"a\"?"));
    CHECK(has_problem(r, 7, 24, "target c cannot link to itself"));
    CHECK(has_problem(r, 8, 21, "matrix must be a map"));
    CHECK(has_problem(r, 9, 27, "matrix values must be a list"));
    CHECK(has_problem(r, 10, 48, "matrix target names must be unique; \"f\" is generated more than once"));
    CHECK(has_problem(r, 11, 19, "\"name\" is only for matrix targets"));
    CHECK(has_problem(r, 11, 45, "\"source-date-epoch\" must be whole seconds since 1970, found \"yesterday\""));
    CHECK(has_problem(r, 12, 29, "unknown target \"missing\" in \"inherits\""));
    CHECK(has_problem(r, 14, 3, "unknown block \"targets\"; did you mean \"target\"?"));
    CHECK(text.find(":1:1: unknown target or group \"unknown\"") != std::string::npos);  // on the command line
    CHECK(r.problems.list().size() == 21);
}

TEST_CASE("bake: problems print with the file, the line and a caret", "[bake][diagnostics]")
{
    bake_files f;
    auto file = f.write("lading-bake.json", "{\n  \"target\": {\n\t\"app\": {\"tgas\": [\"x\"]}\n  }\n}\n");
    auto r = f.read({file});
    REQUIRE(r.problems.list().size() == 1);
    auto text = render_diagnostics(r.problems.list(), r.sources);
    CHECK(text == file.string() + ":3:10: unknown key \"tgas\" in target \"app\"; did you mean \"tags\"?\n"
                                  "  \t\"app\": {\"tgas\": [\"x\"]}\n"
                                  "  \t        ^\n");
}

TEST_CASE("bake HCL files: global attributes win over defaults, and only a variable block takes the environment",
          "[bake][hcl]")
{
    bake_files files;
    auto main = files.write("docker-bake.hcl", "TAG = \"attr\"\n"
                                               "variable \"TAG\" { default = \"block\" }\n"
                                               "USER = \"nobody\"\n"
                                               "variable \"REPO\" { default = \"reg/app\" }\n"
                                               "target \"app\" {\n"
                                               "  tags = [\"${REPO}:${TAG}-${USER}\"]\n"
                                               "}\n");
    auto r = files.read({main});
    INFO(all_messages(r));
    REQUIRE(r.problems.list().empty());
    CHECK(target_named(r, "app").tags == strings{"reg/app:attr-nobody"});

    // USER has no variable block, so the environment leaves it alone; REPO and TAG have one.
    r = files.read({main}, {}, {}, {{"USER", "root"}, {"REPO", "other/app"}, {"TAG", "env"}});
    INFO(all_messages(r));
    CHECK(target_named(r, "app").tags == strings{"other/app:env-nobody"});

    // A later file's attribute sets an earlier file's variable: a data-only override file.
    auto override = files.write("docker-bake.override.hcl", "REPO = \"mirror/app\"\nTAG = \"ci\"\n");
    r = files.read({main, override});
    INFO(all_messages(r));
    CHECK(target_named(r, "app").tags == strings{"mirror/app:ci-nobody"});
}

TEST_CASE("bake HCL files: a target written twice in one file merges as two files' definitions do", "[bake][hcl]")
{
    bake_files files;
    auto hcl = files.write("twice.hcl", "target \"a\" {\n  labels = { x = \"1\" }\n  annotations = [\"index:a=1\"]\n"
                                        "  tags = [\"first\"]\n}\n"
                                        "target \"a\" {\n  labels = { y = \"2\" }\n  annotations = [\"index:b=2\"]\n"
                                        "  tags = [\"second\"]\n}\n");
    auto r = files.read({hcl});
    INFO(all_messages(r));
    const auto& a = target_named(r, "a");
    CHECK(a.labels == std::map<std::string, std::string>{{"x", "1"}, {"y", "2"}});
    CHECK(a.annotations == strings{"index:a=1", "index:b=2"});
    CHECK(a.tags == strings{"second"});
}

TEST_CASE("bake: empty tags, platforms and annotations are no values, as bake normalises a target", "[bake]")
{
    bake_files files;
    auto hcl = files.write("e.hcl", R"H(variable "BRANCH" {
  default = "feature"
}
target "app" {
  context = "ctx"
  tags = ["app:${BRANCH}", BRANCH == "main" ? "app:latest" : "", ""]
  platforms = ["", "linux/amd64"]
  annotations = [BRANCH == "main" ? "index:stable=1" : "", "index:x=1"]
}
)H");
    auto r = files.read({hcl});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.tags == strings{"app:feature"});
    CHECK(app.platforms == strings{"linux/amd64"});
    CHECK(app.annotations == strings{"index:x=1"});
    auto main = files.read({hcl}, {}, {}, {{"BRANCH", "main"}});
    REQUIRE(main.problems.empty());
    CHECK(target_named(main, "app").tags == strings{"app:main", "app:latest"});
}

TEST_CASE("bake: a target written again adds its parents to those it had", "[bake]")
{
    bake_files files;
    auto first = files.write("a.hcl", "target \"p1\" {\n  output = [\"type=image,compression=zstd\"]\n}\n"
                                      "target \"p2\" {\n  labels = { from = \"p2\" }\n}\n"
                                      "target \"app\" {\n  inherits = [\"p1\"]\n  context = \"ctx\"\n}\n");
    auto second = files.write("b.hcl", "target \"app\" {\n  inherits = [\"p2\"]\n}\n");
    auto r = files.read({first, second}, {"app"});
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.outputs == strings{"type=image,compression=zstd"});
    CHECK(app.labels == std::map<std::string, std::string>{{"from", "p2"}});
}

TEST_CASE("bake: --set on a parent reaches the targets that inherit it, under their own fields", "[bake]")
{
    bake_files files;
    auto hcl = files.write("p.hcl", R"H(target "_common" {
  labels = { team = "core" }
  tags = ["common:1"]
  platforms = ["linux/amd64", "linux/arm64"]
  layers = ["linux/arm64=arm.tar"]
}
target "app" {
  inherits = ["_common"]
  context = "ctx"
}
target "tool" {
  inherits = ["_common"]
  context = "ctx"
  tags = ["tool:1"]
}
)H");
    auto r = files.read({hcl}, {"app", "tool"},
                        {"_common.labels.extra=1", "_common.tags=common:2", "_common.platform=linux/amd64",
                         "tool.labels.team=tools"},
                        {}, true);
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    const auto& app = target_named(r, "app");
    CHECK(app.labels == std::map<std::string, std::string>{{"extra", "1"}, {"team", "core"}});
    CHECK(app.tags == strings{"common:2"});
    CHECK(app.platforms == strings{"linux/amd64"});
    // The platforms the files give: a shard's --set leaves out the other platforms' layers.
    CHECK(app.file_platforms == strings{"linux/amd64", "linux/arm64"});
    CHECK(app.outputs == strings{"type=image,push=true"});
    const auto& tool = target_named(r, "tool");
    CHECK(tool.labels == std::map<std::string, std::string>{{"extra", "1"}, {"team", "tools"}});
    CHECK(tool.tags == strings{"tool:1"});
}

TEST_CASE("bake: a glob's --set that reaches a parent and its child is in the child once", "[bake]")
{
    bake_files files;
    auto hcl = files.write("g.hcl", R"H(target "_common" {
  layers = ["base.tar"]
  cmd = ["serve"]
  output = ["type=image"]
}
target "app" {
  inherits = ["_common"]
  context = "ctx"
}
target "own" {
  inherits = ["_common"]
  context = "ctx"
  cmd = ["run"]
}
)H");
    auto r = files.read({hcl}, {"app", "own"},
                        {"*.layers+=patch.tar", "*.cmd+=--verbose", "*.output+=type=registry", "*.labels.k=v"}, {}, true);
    INFO(all_messages(r));
    REQUIRE(r.problems.empty());
    auto at = [&](const std::string& name) { return (files.dir.path() / name).string(); };
    const auto& app = target_named(r, "app");
    CHECK(app.layers == strings{at("base.tar"), (fs::current_path() / "patch.tar").string()});  // --set paths: cwd
    CHECK(app.cmd == strings{"serve", "--verbose"});
    CHECK(app.outputs == strings{"type=image,push=true", "type=registry"});
    CHECK(app.labels == std::map<std::string, std::string>{{"k", "v"}});
    // A child's own value is not the parent's: the override applies to it anew.
    CHECK(target_named(r, "own").cmd == strings{"run", "--verbose"});
}

TEST_CASE("bake HCL files: a problem with a value an expression made is shown at that expression", "[bake][hcl]")
{
    bake_files files;
    auto hcl = files.write("made.hcl", "variable \"L\" {\n  default = [\"a\", \"b\"]\n}\n"
                                       "target \"t\" {\n"
                                       "  annotations = [for a in L : [for b in L : \"${a}${b}\"]]\n"
                                       "}\n");
    auto r = files.read({hcl});
    CHECK_THAT(all_messages(r), Catch::Contains("made.hcl:5:17: an entry of \"annotations\" must be a string, found a list"));
}

TEST_CASE("bake variables nesting deep expressions through each other stop at one depth, not the stack's end",
          "[bake][variables]")
{
    bake_files files;
    std::string text = "{\"variable\": {";
    for (int i = 0; i < 50; ++i)
        text += "\"V" + std::to_string(i) + "\": {\"default\": \"${" + std::string(90, '(') + "V" + std::to_string(i + 1) +
                std::string(90, ')') + "}\"}, ";
    text += "\"V50\": {\"default\": \"x\"}}, \"target\": {\"t\": {\"tags\": [\"${V0}\"]}}}";
    auto r = files.read({files.write("deep.json", text)});
    CHECK_THAT(all_messages(r), Catch::Contains("nest more than 400 levels deep, counting those of the variables"));
}

TEST_CASE("bake function blocks: parameters, a variadic list, the files' variables and other functions",
          "[bake][functions]")
{
    bake_files files;
    // JSON: parameters are strings; results are templates, a whole "${...}" keeping its type.
    auto json = files.write("f.json", R"({
  "variable": {"REPO": {"default": "reg/app"}, "TAG": {"default": "${suffixed(\"v1\")}"}},
  "function": {
    "image": {"params": ["name"], "result": "${REPO}/${name}"},
    "suffixed": {"params": ["t"], "result": "${t}-${SUFFIX}"},
    "all": {"params": ["name"], "variadic_params": "more", "result": ["${image(name)}:${TAG}", "${length(more)}"]}
  },
  "target": {"app": {"tags": "${all(\"app\", 1, 2)}", "labels": {"shadow": "${image(\"x\")}"}}}
})");
    // HCL: a later file's function replaces an earlier one's; parameters hide variables of
    // their name; SUFFIX is a global attribute of this file, read by a function of the other.
    auto hcl = files.write("g.hcl", "SUFFIX = \"ci\"\n"
                                    "function \"image\" {\n  params = [REPO]\n  result = \"${REPO}!\"\n}\n");
    auto r = files.read({json, hcl});
    INFO(all_messages(r));
    REQUIRE(r.problems.list().empty());
    CHECK(target_named(r, "app").tags == strings{"app!:v1-ci", "2"});
    CHECK(target_named(r, "app").labels.at("shadow") == "x!");
}

TEST_CASE("bake function blocks: every misuse is reported where it is", "[bake][functions]")
{
    bake_files files;
    auto hcl = files.write("bad.hcl",
                           "function \"format\" {\n  params = []\n  result = 1\n}\n"                    // 1
                           "function \"h\" {\n  params = [\"q\", a, a]\n  reslt = 1\n}\n"                // 5
                           "function \"loop\" {\n  params = [a]\n  result = again(a)\n}\n"               // 9
                           "function \"again\" {\n  params = [a]\n  result = loop(a)\n}\n"               // 13
                           "function \"k\" {\n  params = [x]\n  result = \"${x}${NOPE}\"\n}\n"            // 17
                           "function \"caller\" {\n  params = []\n  result = i\n}\n"                     // 21
                           "target \"t\" {\n"                                                            // 25
                           "  tags = [k(1, 2), k(null), loop(1), k(\"a\")]\n"                           // 26
                           "  cmd = [for i in [1] : caller()]\n"                                         // 27
                           "}\n");
    auto r = files.read({hcl});
    const auto messages = all_messages(r);
    INFO(messages);
    CHECK_THAT(messages, Catch::Contains("bad.hcl:1:10: function \"format\" has the name of one of bake's built-in "
                                         "functions"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:6:13: a parameter of function \"h\" must be a bare name (params = [name])"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:6:21: function \"h\" names parameter \"a\" twice"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:7:3: unknown key \"reslt\" in function \"h\"; did you mean \"result\"?"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:5:10: function \"h\" has no \"result\""));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:26:11: k() takes 1 argument, not 2"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:26:20: k(): argument 1 is null, which bake's functions do not take"));
    // As in bake, every function is checked before anything calls it: what it reads, what it
    // calls and whether it calls itself (the cycle is reported once, at the first function
    // of it in name order that the search meets).
    CHECK_THAT(messages, Catch::Contains("bad.hcl:21:10: function \"caller\" reads \"i\", which is neither one of its "
                                         "parameters nor a variable"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:17:10: function \"k\" reads \"NOPE\""));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:13:10: function \"again\" calls itself (again -> loop -> again); bake "
                                         "does not allow a function cycle"));
    // When called, the place in the function's file (named as the file was) comes too.
    CHECK_THAT(messages, Catch::Contains("bad.hcl:26:29: in function \"loop\" (" + hcl.string() +
                                         ":11:12): in function \"again\" (" + hcl.string() +
                                         ":15:12): function \"loop\" calls itself (loop -> again -> loop)"));
    CHECK_THAT(messages, Catch::Contains("bad.hcl:26:38: in function \"k\" (" + hcl.string() +
                                         ":19:17): unknown variable \"NOPE\""));
    // The caller's loop variable is not the function's to see.
    CHECK_THAT(messages, Catch::Contains("bad.hcl:27:9: in function \"caller\" (" + hcl.string() +
                                         ":23:12): unknown variable \"i\""));
}

TEST_CASE("bake function blocks: calls spend the evaluation budget, so doubling calls stop", "[bake][functions]")
{
    bake_files files;
    // f0 calls nothing; each f(n) calls f(n-1) twice: f25 would be 2^25 calls.
    std::string text = "function \"f0\" {\n  params = [x]\n  result = x\n}\n";
    for (int n = 1; n <= 25; ++n)
        text += "function \"f" + std::to_string(n) + "\" {\n  params = [x]\n  result = f" + std::to_string(n - 1) +
                "(x) == f" + std::to_string(n - 1) + "(x) ? x : x\n}\n";
    // A chain of 40 functions each calling the next nests deeper than calls may.
    for (int n = 0; n < 40; ++n)
        text += "function \"g" + std::to_string(n) + "\" {\n  params = [x]\n  result = g" + std::to_string(n + 1) + "(x)\n}\n";
    text += "function \"g40\" {\n  params = [x]\n  result = x\n}\n";
    text += "target \"t\" {\n  tags = [f25(\"a\")]\n  cmd = [g0(\"b\")]\n}\n";
    auto r = files.read({files.write("doubling.hcl", text)});
    const auto messages = all_messages(r);
    INFO(messages);
    CHECK_THAT(messages, Catch::Contains("loops repeat more than 1048576 times in one value (4194304 in all the files; "
                                         "[for], %{for} and calls of \"function\" blocks together)"));
    CHECK_THAT(messages, Catch::Contains("function calls nest more than 32 levels deep"));
}

TEST_CASE("bake variables: a later block of a name replaces the earlier one whole, as in bake", "[bake][variables]")
{
    bake_files files;
    auto first = files.write("a.json", R"J({"variable": {"V": {"default": ["x"], "type": "list(string)",
                                          "description": "first"}, "W": {"default": "w"}},
                                          "target": {"t": {"tags": ["${length(V)}", "w=${W}"]}}})J");
    // The later block of V gives neither a default nor a type: V has no value, and is a string
    // again for the environment. W's later block only describes it.
    auto second = files.write("b.hcl", "variable \"V\" {\n  description = \"second\"\n}\n"
                                       "variable \"W\" {\n  default = \"w2\"\n}\nvariable \"W\" {\n  description = \"d\"\n}\n");
    auto r = files.read({first, second});
    INFO(all_messages(r));
    REQUIRE(r.problems.list().empty());
    CHECK(target_named(r, "t").tags == strings{"0", "w="});
    r = files.read({first, second}, {}, {}, {{"V", "a,b"}});
    INFO(all_messages(r));
    CHECK(target_named(r, "t").tags == strings{"3", "w="});
}

TEST_CASE("bake function blocks: resolution through functions, the environment, and one read's functions only",
          "[bake][functions]")
{
    bake_files files;
    // A's default calls f, which reads ZED, resolved on the way (it sorts after A).
    auto hcl = files.write("r.hcl", "variable \"A\" { default = f() }\n"
                                    "variable \"ZED\" { default = \"z\" }\n"
                                    "variable \"CI\" { default = is_ci() }\n"
                                    "function \"f\" {\n  params = []\n  result = \"${ZED}!\"\n}\n"
                                    "function \"is_ci\" {\n  params = []\n  result = false\n}\n"
                                    "function \"all\" {\n  params = [first]\n  variadic_params = rest\n"
                                    "  result = join(\"+\", concat([first], rest))\n}\n"
                                    "target \"t\" {\n  tags = [A, CI == true ? \"ci\" : \"local\", all(\"x\", [\"y\", \"z\"]...)]\n}\n");
    auto r = files.read({hcl});
    INFO(all_messages(r));
    REQUIRE(r.problems.list().empty());
    CHECK(target_named(r, "t").tags == strings{"z!", "local", "x+y+z"});
    // The default's value, a bool, gives the type the environment converts to, as in bake.
    r = files.read({hcl}, {}, {}, {{"CI", "true"}});
    INFO(all_messages(r));
    REQUIRE(r.problems.list().empty());
    CHECK(target_named(r, "t").tags == strings{"z!", "ci", "x+y+z"});

    // A loop through a function is a variable loop.
    auto loop = files.write("loop.hcl", "variable \"V\" { default = g() }\n"
                                        "function \"g\" {\n  params = []\n  result = V\n}\n"
                                        "target \"t\" {\n  tags = [V]\n}\n");
    CHECK_THAT(all_messages(files.read({loop})), Catch::Contains("loop.hcl:1:10: variable loop: V -> V"));

    // Another read does not see this read's functions.
    auto other = files.write("other.hcl", "target \"t\" {\n  tags = [f()]\n}\n");
    CHECK_THAT(all_messages(files.read({other})), Catch::Contains("other.hcl:2:11: unknown function f()"));
    CHECK_THAT(all_messages(files.read({other})), Catch::Contains("other.hcl:2:11: unknown function f()"));
}

TEST_CASE("bake function blocks: checked before any call, with no false alarm on loops, attributes and strings",
          "[bake][functions]")
{
    bake_files files;
    auto hcl = files.write("c.hcl",
                           "variable \"V\" { default = \"v\" }\n"
                           "function \"unused\" {\n  params = [n]\n  result = n == 0 ? \"done\" : unused(n)\n}\n"  // 2
                           "function \"typo\" {\n  params = []\n  result = lenght(V)\n}\n"                          // 6
                           "function \"fine\" {\n  params = [m]\n  variadic_params = rest\n"                           // 10
                           "  result = [for i, x in concat([m.key], rest) : \"${i}${x}${upper(\"q(${x})\")}\" if x != V]\n}\n"
                           "function \"text\" {\n  params = [m]\n"
                           "  result = \"%{ for k, v in m }${k}=${v}%{ endfor }${format(\"%s\", \"w(z)\")}${BAKE_LOCAL_PLATFORM}\"\n}\n"
                           "target \"t\" {\n  tags = [V]\n}\n");
    const auto messages = all_messages(files.read({hcl}));
    INFO(messages);
    CHECK_THAT(messages, Catch::Contains("c.hcl:2:10: function \"unused\" calls itself (unused -> unused)"));
    CHECK_THAT(messages, Catch::Contains("c.hcl:6:10: function \"typo\" calls lenght(), which is not a function"));
    CHECK(line_count(messages) == 2);
}

TEST_CASE("bake function blocks: buildx's names; a block named as a built-in is refused", "[bake][functions]")
{
    bake_files files;
    // variadic_params is buildx's name (HCL's own extension says variadic_param).
    auto hcl = files.write("n.hcl", "function \"l\" {\n  params = []\n  variadic_param = items\n  result = items\n}\n"
                                    "function \"homedir\" {\n  params = []\n  result = \"/h\"\n}\n"
                                    "target \"t\" {\n  tags = [\"x\"]\n}\n");
    const auto messages = all_messages(files.read({hcl}));
    CHECK_THAT(messages, Catch::Contains("n.hcl:3:3: unknown key \"variadic_param\" in function \"l\"; did you mean "
                                         "\"variadic_params\"?"));
    CHECK_THAT(messages, Catch::Contains("n.hcl:6:10: function \"homedir\" has the name of one of bake's built-in"));
}

TEST_CASE("bake: all the values of one read share a budget too, however many variables there are", "[bake][variables]")
{
    bake_files files;
    // Each variable reads BIG (1 MiB) 120 times and hands it to length() as many: 240 MiB,
    // short of one value's 256 MiB; five come to more than the files' 1 GiB.
    std::string text = "BIG = indent(1000000, \"\\n\")\n";
    for (int i = 1; i <= 5; ++i)
        text += "V" + std::to_string(i) + " = length([for i in range(120) : length(BIG)])\n";
    text += "target \"t\" {\n  tags = [V1, V2, V3, V4, V5]\n}\n";
    const auto messages = all_messages(files.read({files.write("big.hcl", text)}));
    CHECK_THAT(messages, Catch::Contains("(1024 MiB in all the files)"));
}

TEST_CASE("bake: a JSON file's numbers read as HCL's JSON reader has them", "[bake][variables]")
{
    bake_files files;
    auto json = files.write("n.json", R"({"variable": {"N": {"default": 1.50}, "E": {"default": 1e3}},
                                         "target": {"t": {"tags": ["v${N}", "v${E}", "${format(\"%v\", N)}"]}}})");
    auto r = files.read({json});
    INFO(all_messages(r));
    REQUIRE(r.problems.list().empty());
    CHECK(target_named(r, "t").tags == strings{"v1.5", "v1000", "1.5"});
}
