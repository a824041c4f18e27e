// The bake files' HCL reader: HCL's native syntax read into the tree a JSON bake file gives,
// with every key and value at its line and column, and every fault at its place.
#include "bake/hcl_reader.hpp"

#include <catch2/catch.hpp>

using namespace lading::bake;

namespace {

json_node read(std::string_view text)
{
    json_syntax_error error;
    auto root = parse_bake_hcl(text, error);
    INFO(error.at.line << ":" << error.at.column << ": " << error.message);
    REQUIRE(root);
    return *root;
}

json_syntax_error fault_of(std::string_view text)
{
    json_syntax_error error;
    CHECK_FALSE(parse_bake_hcl(text, error));
    return error;
}

const json_node& at_path(const json_node& root, std::initializer_list<std::string_view> keys)
{
    const json_node* node = &root;
    for (auto key : keys) {
        node = node->find(key);
        INFO("key " << key);
        REQUIRE(node);
    }
    return *node;
}

}  // namespace

TEST_CASE("bake HCL: blocks become the JSON form's objects, at their lines and columns", "[bake][hcl]")
{
    auto root = read("# a bake file\n"
                     "variable \"TAG\" {\n"
                     "  default = \"dev\" // the tag\n"
                     "}\n"
                     "group \"default\" { targets = [\"app\"] }\n"
                     "target app {\n"
                     "  source-date-epoch = 1700000000\n"
                     "  /* several\n     lines */ tags = [\"a\",\n    \"b\", ]\n"
                     "}\n");
    REQUIRE(root.members.size() == 3);
    CHECK(root.members[0].key == "variable");
    CHECK(at_path(root, {"variable", "TAG", "default"}).text == "dev");
    CHECK(at_path(root, {"variable", "TAG", "default"}).at == source_position{3, 13});
    CHECK(at_path(root, {"group", "default", "targets"}).items.at(0).text == "app");
    const auto& app = at_path(root, {"target", "app"});
    REQUIRE(app.members.size() == 2);
    CHECK(app.members[0].key == "source-date-epoch");
    CHECK(app.members[0].key_at == source_position{7, 3});
    CHECK(app.members[0].value.type == json_node::kind::number);
    CHECK(app.members[0].value.text == "1700000000");
    CHECK(app.members[1].key_at == source_position{9, 15});
    REQUIRE(app.members[1].value.items.size() == 2);
    CHECK(app.members[1].value.items[1].at == source_position{10, 5});
}

TEST_CASE("bake HCL: literals are themselves; strings decode HCL's escapes outside their tags", "[bake][hcl]")
{
    auto root = read("target \"t\" {\n"
                     "  a = \"tab\\there \\u00e9 \\U0001F600 \\\"q\\\" \\\\\"\n"
                     "  b = \"${lower(\"A\\\\B\")}-$${kept}-%%{kept}\"\n"
                     "  c = [true, false, null, -1.5e3, 0]\n"
                     "  d = { name = \"x\", \"org.label\": 2\n    (KEY) = \"v\" }\n"
                     "  e = \"é ${TAG}\"\n"
                     "}\n");
    const auto& a = at_path(root, {"target", "t", "a"});
    CHECK(a.text == "tab\there \xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\");
    CHECK_FALSE(a.verbatim);
    const auto& b = at_path(root, {"target", "t", "b"});
    CHECK(b.text == "${lower(\"A\\\\B\")}-$${kept}-%%{kept}");  // the tag as written, for the resolver
    CHECK(b.verbatim);
    const auto& c = at_path(root, {"target", "t", "c"});
    REQUIRE(c.items.size() == 5);
    CHECK(c.items[0].type == json_node::kind::boolean);
    CHECK(c.items[0].boolean);
    CHECK_FALSE(c.items[1].boolean);
    CHECK(c.items[2].type == json_node::kind::null);
    CHECK(c.items[3].text == "-1500");
    const auto& d = at_path(root, {"target", "t", "d"});
    REQUIRE(d.members.size() == 3);
    CHECK(d.members[0].key == "name");
    CHECK(d.members[1].key == "org.label");
    CHECK(d.members[1].value.text == "2");
    CHECK(d.members[2].key == "${(KEY)}");
    CHECK(d.members[2].key_at == source_position{6, 5});
    CHECK(at_path(root, {"target", "t", "e"}).verbatim);
}

TEST_CASE("bake HCL: any other expression is \"${EXPRESSION}\", placed at its first character", "[bake][hcl]")
{
    auto root = read("target \"t\" {\n"
                     "  platforms = PLATFORMS\n"
                     "  tags = [REPO, \"x:${TAG}\", TAG == \"\" ? \"dev\" : upper(TAG)]\n"
                     "  inherited = target.base.tags # a comment\n"
                     "  spread = join(\",\", [\n    A, # one\n    B])\n"
                     "  sum = 1 + 2\n"
                     "  each = [for t in TAGS :\n    \"${REPO}:${t}\" if t != \"x\"]\n"
                     "}\n");
    const auto& platforms = at_path(root, {"target", "t", "platforms"});
    CHECK(platforms.text == "${PLATFORMS}");
    CHECK(platforms.at == source_position{2, 15});
    CHECK(platforms.verbatim);
    CHECK(platforms.text_column == 0);
    const auto& tags = at_path(root, {"target", "t", "tags"});
    REQUIRE(tags.items.size() == 3);
    CHECK(tags.items[0].text == "${REPO}");
    CHECK(tags.items[1].text == "x:${TAG}");
    CHECK(tags.items[2].text == "${TAG == \"\" ? \"dev\" : upper(TAG)}");
    CHECK(tags.items[2].at == source_position{3, 29});
    CHECK(at_path(root, {"target", "t", "inherited"}).text == "${target.base.tags}");
    const auto& spread = at_path(root, {"target", "t", "spread"});
    CHECK(spread.text == "${join(\",\", [\n    A,  \n    B])}");
    CHECK_FALSE(spread.verbatim);  // it spans lines
    CHECK(at_path(root, {"target", "t", "sum"}).text == "${1 + 2}");
    CHECK(at_path(root, {"target", "t", "each"}).text == "${[for t in TAGS :\n    \"${REPO}:${t}\" if t != \"x\"]}");
}

TEST_CASE("bake HCL: heredocs keep their text, <<- without the indentation its lines share", "[bake][hcl]")
{
    auto root = read("target \"t\" {\n"
                     "  kept = <<EOT\n"
                     "  two\n"
                     "    four \\n ${X}\n"
                     "EOT\n"
                     "  flush = <<-END\n"
                     "      six\n"
                     "\n"
                     "        \n"
                     "        eight\n"
                     "    END  \n"
                     "  crlf = <<EOT\r\n"
                     "line\r\n"
                     "EOT\r\n"
                     "  after = 1\n"
                     "}\n");
    CHECK(at_path(root, {"target", "t", "kept"}).text == "  two\n    four \\n ${X}\n");
    CHECK(at_path(root, {"target", "t", "kept"}).at == source_position{2, 10});
    CHECK(at_path(root, {"target", "t", "flush"}).text == "six\n\n        \n  eight\n");  // blank lines kept whole
    CHECK(at_path(root, {"target", "t", "crlf"}).text == "line\r\n");
    CHECK(at_path(root, {"target", "t", "after"}).text == "1");
}

TEST_CASE("bake HCL: attributes outside blocks stay global attributes; each block stays a definition", "[bake][hcl]")
{
    auto root = read("variable \"REPO\" {\n  default = \"a\"\n  type = list( string )\n}\n"
                     "REPO = \"b\"\n"
                     "target \"t\" {\n  tags = [\"x\"]\n  cmd = [\"one\"]\n}\n"
                     "target \"t\" {\n  tags = [\"y\"]\n}\n");
    CHECK(at_path(root, {"variable", "REPO", "default"}).text == "a");
    CHECK(at_path(root, {"variable", "REPO", "type"}).text == "list(string)");
    const auto& attribute = root.members.at(1);
    CHECK(attribute.key == "REPO");
    CHECK(attribute.global_attribute);
    CHECK(attribute.value.text == "b");
    CHECK(attribute.key_at == source_position{5, 1});
    // Both definitions of t, in order, for the resolver to merge as it merges files.
    const auto& targets = at_path(root, {"target"});
    REQUIRE(targets.members.size() == 2);
    CHECK(targets.members[0].value.find("cmd"));
    CHECK(targets.members[1].value.find("tags")->items.at(0).text == "y");
    CHECK(targets.members[1].key_at == source_position{10, 8});
}

TEST_CASE("bake HCL: numbers are HCL's exact decimals, written as buildx writes them", "[bake][hcl]")
{
    auto root = read("A = 3.10\nB = 1e3\nC = 007\nD = -2.5e-3\nE = 1.0\n");
    CHECK(root.members.at(0).value.text == "3.1");
    CHECK(root.members.at(1).value.text == "1000");
    CHECK(root.members.at(2).value.text == "7");
    CHECK(root.members.at(3).value.text == "-0.0025");
    CHECK(root.members.at(4).value.text == "1");
    CHECK_THAT(fault_of("A = 1e5000\n").message, Catch::Contains("more than 1000 digits"));
}

TEST_CASE("bake HCL: a list reads across lines and comments, as HCL reads [...]", "[bake][hcl]")
{
    auto root = read("target \"t\" {\n"
                     "  tags = [\n"
                     "    T == \"v\"   # a condition over lines\n"
                     "    ? \"a\"\n"
                     "    : \"b\",\n"
                     "    \"c\"\n"
                     "    ,\n"
                     "  ]\n"
                     "}\n");
    const auto& tags = at_path(root, {"target", "t", "tags"});
    REQUIRE(tags.items.size() == 2);
    CHECK(tags.items[0].text == "${T == \"v\"    \n    ? \"a\"\n    : \"b\"}");
    CHECK(tags.items[1].text == "c");
}

TEST_CASE("bake HCL: an escape that makes $ or { is text, never the start of a tag", "[bake][hcl]")
{
    auto root = read("target \"t\" {\n"
                     "  a = \"a\\u0024{T}\"\n"
                     "  b = \"\\u0024${T}\"\n"
                     "  c = \"$\\u007BT}\"\n"
                     "}\n");
    CHECK(at_path(root, {"target", "t", "a"}).text == "a${\"$\"}{T}");
    CHECK(at_path(root, {"target", "t", "b"}).text == "${\"$\"}${T}");
    CHECK(at_path(root, {"target", "t", "c"}).text == "${\"$\"}{T}");
}

TEST_CASE("bake HCL: every fault is reported at its place", "[bake][hcl]")
{
    struct bad {
        std::string text;
        source_position at;
        std::string message_part;
    };
    auto faults = GENERATE(values<bad>({
        {"target \"t\" {\n  tags = \"open\n}\n", {2, 10}, "unterminated string"},
        {"target \"t\" {\n  labels = {for k, v in M : k => v}\n}\n", {2, 12}, "({for ...}) is not supported"},
        {"target \"t\" {\n  labels = merge({a = 1}, X)\n}\n", {2, 18}, "an object inside an expression"},
        {"target \"t\" {\n  env = <<EOT\nno end\n", {2, 9}, "has no closing line EOT"},
        {"target {\n}\n", {1, 1}, "a target block takes one name"},
        {"target \"a\" \"b\" {\n}\n", {1, 1}, "a target block takes one name"},
        {"}\n", {1, 1}, "'}' without a block to close"},
        {"A = 1 }\n", {1, 7}, "expected a new line after the value of \"A\""},
        {"target \"t\" {\n  a = \"\\q\"\n}\n", {2, 8}, "unknown escape \\q"},
        {"target \"t\" {\n  a = 1\n  a = 2\n}\n", {3, 3}, "\"a\" is set twice in this block"},
        {"A = 1\nA = 2\n", {2, 1}, "\"A\" is set twice in this file"},
        {"target \"t\" {\n  a = [1, 2\n}\n", {3, 1}, "expected ',' or ']'"},
        {"target \"t\" {\n  a = 1\n", {3, 1}, "expected '}' to close the target block"},
        {"target \"${X}\" {\n}\n", {1, 8}, "a block's name cannot hold a template"},
        {"/* never closed\n", {1, 1}, "unterminated /* comment"},
        {"target \"t\" {\n  a =\n}\n", {2, 6}, "expected a value"},
    }));
    INFO(faults.text);
    auto error = fault_of(faults.text);
    CHECK(error.at == faults.at);
    CHECK_THAT(error.message, Catch::Contains(faults.message_part));
}

TEST_CASE("bake HCL: nesting past the limit is refused, not followed", "[bake][hcl]")
{
    std::string strings;
    for (int i = 0; i < 60000; ++i) strings += "${\"";
    strings += "x";
    for (int i = 0; i < 60000; ++i) strings += "\"}";
    CHECK_THAT(fault_of("target \"t\" {\n  a = \"" + strings + "\"\n}\n").message,
               Catch::Contains("nest more than 100 levels deep"));
    std::string deep = "target \"t\" {\n  a = " + std::string(300, '[') + std::string(300, ']') + "\n}\n";
    CHECK_THAT(fault_of(deep).message, Catch::Contains("nested deeper than 200 levels"));
}
