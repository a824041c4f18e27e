// `lading bake` with HCL files (docker-bake.hcl): what lading reads is checked against
// HashiCorp's own HCL library (tests/integration/hcl_reference, the library buildx reads these
// files with); the files are found in the working directory as buildx finds them; the images
// are the ones the same targets written as JSON make; bad files are reported at their place.
#include <catch2/catch.hpp>

#include "common/file_bytes.hpp"
#include "common/json_file.hpp"
#include "common/oci_layout.hpp"
#include "common/temp_dir.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace lading::test;

namespace {

process_result bake_in(const fs::path& cwd, std::vector<std::string> args)
{
    args.insert(args.begin(), "bake");
    auto options = lading_cmd().options(std::move(args), {}, std::chrono::minutes(1));
    options.cwd = cwd;
    return run_process(options);
}

// The file as HashiCorp's HCL library reads and evaluates it: {"variable", "target", "group"}.
json::object reference_reading(const fs::path& file)
{
    INFO("the reference reader is built from Debian's golang-go and golang-github-hashicorp-hcl-v2-dev");
    REQUIRE(fs::exists(LADING_HCL_REFERENCE));
    process_options options;
    options.argv = {LADING_HCL_REFERENCE, file.string()};
    auto r = run_process(options);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    return parse_json(r.out, "hcl-reference").as_object();
}

// A file of variables, global attributes, built-in functions, conditions, directives, heredocs and escapes.
const char* expressions_file = R"HCL(# settings a CI job would pass in
variable "TAG" { default = "v1.2" }
variable "BRANCH" {
  default = "feature/HCL-files"
}
variable "PLATFORMS" { default = ["linux/amd64", "linux/arm64"] }
variable "DEBUG" { default = false }
REPO = "127.0.0.1:5000/app"
variable "FULL" { default = "${REPO}:${TAG}" }

group "default" { targets = ["app"] }

target "app" {
  description = "the app, built from ${BRANCH}"
  tags = [FULL, "${REPO}:${lower(replace(BRANCH, "/", "-"))}", join("-", split(".", TAG))]
  platforms = PLATFORMS
  labels = {
    "org.opencontainers.image.title" = "app"
    version = trimprefix(TAG, "v")
    debug = DEBUG ? "on" : "off"
    depth = length(split("/", BRANCH)) == 2 ? "nested" : "flat"
  }
  cmd = ["/bin/app", "--flag=${TAG == "dev" ? "debug" : "quiet"}", upper("x")]
  env = {
    GREETING = <<-EOT
      hello ${TAG}
        indented \n stays
    EOT
    RAW = <<EOT
  kept ${REPO}
EOT
    ESCAPED = "tab\there \u00e9 \"quoted\" $${not} %%{not}"
    LOOP = "%{ for p in PLATFORMS }${p};%{ endfor }"
    CHOICE = "%{ if DEBUG }debug%{ else }release%{ endif }"
  }
  entrypoint = notequal(TAG, "") && !DEBUG ? ["/bin/sh", "-c"] : ["/bin/false", "-x"]
  workdir = "/srv/${trimsuffix(TAG, ".2")}"
  user = contains(PLATFORMS, "linux/arm64") || equal(TAG, "x") ? "arm" : "x86"
}
)HCL";

// Syntax rather than values: comments everywhere, one-line blocks, names as block labels,
// a block written twice, trailing commas, keys as names, strings and (expressions),
// [for ...] over lists and objects with templates inside, and indexes.
const char* syntax_file = R"HCL(/* a block comment
   over two lines */
variable "NAME" {
  default = "svc" # trailing
}
variable "KEY" { default = "org.example.key" }
variable "M" { default = { b = "2", a = "1" } }
target "svc" { tags = ["one"] }
target svc {
  tags = [
    "${NAME}:a",   // first
    "${NAME}:b",
  ]
  labels = { (KEY): "v", "quoted.key" = "q", plain: NAME }
  annotations = ["index:org.example.n=${NAME}"]
  cmd = [
    "a", "b"
  ]
  entrypoint = [for k, v in M : "${k}=${v}"]
  platforms = [
    for i, p in ["linux/amd64", "linux/arm64", "linux/s390x"] :
      "${p}" if i < 2
  ]
  description = join(" ", [for t in [NAME, "x"] : upper("${t}!")])
  user = split(":", "root:0")[0]
  workdir = "/srv/${M["a"]}/${[for k, v in M : k][1]}"
}
)HCL";

// Function blocks: parameters, a variadic one, functions calling functions, a parameter
// hiding a variable, a function used before its block, and variables whose values call them.
const char* functions_file = R"HCL(variable "REGISTRY" { default = "127.0.0.1:5000" }
variable "VERSION" { default = "2.4.1" }
IMAGES = ["api", "worker"]
FIRST = image(IMAGES[0])
variable "DERIVED" { default = "${major(VERSION)}-${length(IMAGES)}" }

function "image" {
  params = [name]
  result = "${REGISTRY}/${name}"
}
function "major" {
  params = [version]
  result = split(".", version)[0]
}
function "tags_for" {
  params = [name]
  variadic_params = skip
  result = [for t in [VERSION, major(VERSION), "latest"] : "${image(name)}:${t}" if !contains(skip, t)]
}
function "origin" {
  params = []
  result = "built from ${REGISTRY}"
}
function "shadow" {
  params = [VERSION]
  result = "${VERSION}!"
}

target "api" {
  tags = tags_for("api")
  cmd = tags_for("api", "latest", "2")
  entrypoint = [for n in IMAGES : image(n)]
  labels = {
    from = origin()
    first = FIRST
    derived = DERIVED
    kind = pick(length(IMAGES) > 1, "many", "one")
    hidden = shadow("x")
    expanded = join(",", tags_for("worker", ["latest", "2"]...))
  }
}
function "pick" {
  params = [flag, a, b]
  result = flag ? a : b
}
)HCL";

// The standard library functions lading offers beyond the first ones, over lists, objects,
// text and encodings, with their edge cases (negative offsets, mixed kinds, e-notation).
const char* stdlib_file = R"HCL(group "default" { targets = ["lists", "text", "time"] }
variable "TAGS" { default = ["b", "a", "", "b", "c"] }
variable "ARCHES" { default = { amd64 = "x86_64", arm64 = "aarch64" } }
variable "EXTRA" { default = { arm64 = "armv8", riscv64 = "rv64" } }
variable "NUMS" { default = [3, 1, 2] }
variable "JOBJ" {
  default = { b = [1, 2.50, true, null], a = "<x & y>", c = "line\nbreak\ttab\"q\\ \u2028" }
}
BIG = 1234567
SMALL = 0.00001

target "lists" {
  cmd = concat(TAGS, ["d"], [])
  platforms = distinct(compact(TAGS))
  tags = sort(concat(NUMS, ["10", "9"]))
  entrypoint = flatten([["x", ["y"]], [], "z"])
  annotations = reverselist(slice(TAGS, 1, 4))
  description = join(",", range(5))
  labels = {
    element = element(TAGS, 7)
    coalesced = join("+", coalescelist([], ["q"], ["r"]))
    keys = join(",", keys(merge(ARCHES, EXTRA)))
    values = join(",", values(merge(ARCHES, EXTRA)))
    lookup = lookup(ARCHES, "arm64", "none")
    missing = lookup(ARCHES, "s390x", "none")
    indexof = "i${indexof(TAGS, "c")}"
    down = join(",", range(10, 0, -3))
    range2 = join(",", range(-2, 2))
    distinct_mixed = jsonencode(distinct([1, "1", true, "true"]))
  }
}

target "text" {
  tags = [trimspace("  \t spaced \n"), trim("--x-y--", "-"), chomp("line\r\n\n"), indent(2, "a\nb\nc")]
  entrypoint = ["n${strlen("hello")}", substr("hello world", 6, -1), substr("hello", -3, 2), substr("hello", 1, 0), substr("hello", -2, 0), substr("hi", 5, 1)]
  cmd = [reverse("abc"), title("hello wide_world-x 9lives"), sanitize("feature/JIRA-12 ok.é"), basename("/a/b/c/"), dirname("/a/b/c"), dirname("x"), dirname("a//b/../c/d"), basename("")]
  labels = {
    f1 = format("%s-%d-%t-%v-%%", "a", 42, true, "s")
    f2 = format("%v %v %v %v %v", BIG, SMALL, 100000, 0.0001, -2.5)
    f3 = format("%v", ["a", 1, ARCHES])
    fl = join(";", formatlist("%s=%s", ["a", "b"], "x"))
    fl2 = join(";", formatlist("%s:%s", ["a", "b"], ["1", "2"]))
    j = jsonencode(JOBJ)
    b64 = base64encode("hello, wörld")
    unb64 = base64decode("aGVsbG8sIHfDtnJsZA==")
    url = urlencode("a b&c=d/é~")
    md5 = md5("lading")
    sha1 = sha1("lading")
    sha256 = sha256("lading")
    sha512 = sha512("lading")
  }
}

target "time" {
  cmd = [
    formatdate("YYYY-MM-DD hh:mm:ss ZZZZZ EEEE EEE MMMM MMM M D h H AA aa Z ZZZ ZZZZ YY", "2024-02-29T23:05:09+05:30"),
    formatdate("DD MMM YYYY HH:mm 'o''clock' '' aa", "2023-01-01T00:00:00.123Z"),
    formatdate("YYYYMMDD-hhmm", "1999-12-31T12:59:59-08:00"),
    formattimestamp("X", "2024-02-29T23:05:09+05:30"),
    formattimestamp("YYYY-MM-DD'T'hh:mm:ssZ", 1700000000),
    formattimestamp("X", 1700000000),
    homedir(),
  ]
}
)HCL";

}  // namespace

TEST_CASE("lading bake reads an HCL file as HashiCorp's HCL library does", "[bake][hcl]")
{
    temp_dir work("lading-bake-hcl-");
    auto [name, text] = GENERATE(table<std::string, std::string>({
        {"expressions.hcl", expressions_file},
        {"syntax.hcl", syntax_file},
        {"functions.hcl", functions_file},
        {"stdlib.hcl", stdlib_file},
    }));
    INFO(name);
    write_bytes(work / name, text);
    auto reference = reference_reading(work / name);

    auto r = bake_in(work.path(), {"-f", name, "--print"});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    auto printed = parse_json(r.out, "lading bake --print").as_object();
    const auto& targets = reference.at("target").as_object();
    REQUIRE_FALSE(targets.empty());
    for (const auto& [target, keys] : targets) {
        INFO("target " << target);
        REQUIRE(printed.at("target").as_object().contains(target));
        const auto& ours = printed.at("target").at(target).as_object();
        for (const auto& [key, value] : keys.as_object()) {
            INFO("key " << key << ": the reference has " << json::serialize(value));
            REQUIRE(ours.contains(key));
            CHECK(json::serialize(ours.at(key)) == json::serialize(value));
        }
    }
}

TEST_CASE("lading bake finds docker-bake.hcl and its override, and exports what the same JSON file exports",
          "[bake][hcl]")
{
    temp_dir work("lading-bake-hcl-");
    for (auto dir : {"hcl", "json"}) {
        fs::create_directories(work / dir / "rootfs/etc");
        write_bytes(work / dir / "rootfs/etc/motd", "hello\n");
    }
    write_bytes(work / "hcl/docker-bake.hcl", R"HCL(variable "TAG" { default = "dev" }
target "app" {
  context = "rootfs"
  tags = ["app:${TAG}"]
  labels = {
    "org.example.note" = <<-EOT
      two
      lines
    EOT
  }
  source-date-epoch = 1700000000
}
)HCL");
    write_bytes(work / "hcl/docker-bake.override.hcl", "TAG = \"override\"  # as a CI job would set it\n");
    write_bytes(work / "json/lading-bake.json", R"J({
  "target": {"app": {"context": "rootfs", "tags": ["app:override"],
                     "labels": {"org.example.note": "two\nlines\n"}, "source-date-epoch": 1700000000}}
})J");

    auto from_hcl = bake_in(work / "hcl", {"--store", (work / "store-hcl").string(), "--metadata-file",
                                           (work / "hcl.json").string(), "--progress", "quiet"});
    INFO(from_hcl.describe());
    REQUIRE(from_hcl.exit_code == 0);
    auto from_json = bake_in(work / "json", {"--store", (work / "store-json").string(), "--metadata-file",
                                             (work / "json.json").string(), "--progress", "quiet"});
    INFO(from_json.describe());
    REQUIRE(from_json.exit_code == 0);

    auto digest_in = [&](const char* meta) {
        return json_string(read_json_file(work / meta).as_object().at("app"), "containerimage.digest");
    };
    CHECK(digest_in("hcl.json") == digest_in("json.json"));

    oci_layout store(work / "store-hcl");
    auto names = store.names();
    REQUIRE(names.size() == 1);
    CHECK(names[0].find("app:override") != std::string::npos);  // the override file's TAG
    auto manifest = store.read_json_blob(json_string(*store.find_entry(names[0]), "digest"));
    auto config = store.read_json_blob(json_string(manifest.at("config"), "digest"));
    CHECK(json_string(config.at("config").at("Labels"), "org.example.note") == "two\nlines\n");
}

TEST_CASE("a bad HCL bake file is reported at its line and column, exit 2, and nothing is exported",
          "[bake][hcl]")
{
    temp_dir work("lading-bake-hcl-");
    fs::create_directories(work / "rootfs");
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"target \"app\" {\n  context = \"rootfs\"\n  tags = [NOPE, \"x\"]\n}\n",
         "bad.hcl:3:11: unknown variable \"NOPE\""},
        {"target \"app\" {\n  context = \"rootfs\"\n  tags = \"x:${lower(NOPE)}\"\n}\n",
         "bad.hcl:3:13: unknown variable \"NOPE\""},
        {"target \"app\" {\n  labels = {for t in [\"a\"] : t => t}\n}\n", "bad.hcl:2:12: HCL syntax: a for expression that makes an object"},
        {"function \"inc\" {\n  params = [n]\n  result = inc(n)\n}\ntarget \"app\" {\n  context = \"rootfs\"\n"
         "  tags = [inc(1)]\n}\n",
         "bad.hcl:7:11: in function \"inc\" (bad.hcl:3:12): function \"inc\" calls itself (inc -> inc)"},
        {"function \"concat\" {\n  params = [a]\n  result = a\n}\ntarget \"app\" {\n  context = \"rootfs\"\n}\n",
         "bad.hcl:1:10: function \"concat\" has the name of one of bake's built-in functions"},
        {"target \"app\" {\n  context = \"rootfs\"\n  tagz = [\"x\"]\n}\n", "bad.hcl:3:3: unknown key \"tagz\""},
    }));
    INFO(text);
    write_bytes(work / "bad.hcl", text);
    auto r = bake_in(work.path(), {"-f", "bad.hcl", "--store", (work / "store").string()});
    INFO(r.describe());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK_FALSE(fs::exists(work / "store"));
}

TEST_CASE("lading bake -f - reads HCL from standard input when it does not start with '{'", "[bake][hcl]")
{
    temp_dir work("lading-bake-hcl-");
    auto options = lading_cmd().options({"bake", "-f", "-", "--print"}, {}, std::chrono::minutes(1));
    options.cwd = work.path();
    options.stdin_data = "# from a pipe\ntarget \"piped\" {\n  tags = [\"p:${upper(\"x\")}\"]\n}\n";
    auto r = run_process(options);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    auto printed = parse_json(r.out, "lading bake --print").as_object();
    CHECK(json::serialize(printed.at("target").at("piped").at("tags")) == R"(["p:X"])");
}
