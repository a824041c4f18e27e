// Bake strings as HCL templates: ${NAME}, %{if}/%{else}/%{endif}, %{for}/%{endfor}, the "~"
// strip markers, the $${ and %%{ escapes, and the problems each can have.
#include "bake/interpolation.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include <map>

using namespace lading::bake;

namespace {

json_node verbatim_string(const std::string& text)
{
    json_node n;
    n.type = json_node::kind::string;
    n.text = text;
    n.verbatim = true;
    return n;
}

json_node parsed(const std::string& json)
{
    json_syntax_error error;
    auto node = parse_positioned_json(json, error);
    REQUIRE(node);
    return *node;
}

struct template_run {
    std::map<std::string, json_node> variables{
        {"ON", parsed("true")},          {"OFF", parsed("false")},
        {"WORD", parsed("\"true\"")},    {"NAME", parsed("\"app\"")},
        {"LIST", parsed("[\"a\", \"b\", \"c\"]")}, {"MAP", parsed("{\"z\": \"1\", \"y\": \"2\"}")},
        {"NUMBER", parsed("3")},
    };
    diagnostics problems;

    json_node evaluate(const std::string& text)
    {
        auto node = verbatim_string(text);
        name_lookup lookup = [this](const std::string& n) -> std::optional<json_node> {
            auto it = variables.find(n);
            if (it == variables.end()) return std::nullopt;
            return it->second;
        };
        interpolate(node, lookup, "t.json", problems);
        return node;
    }

    std::string text(const std::string& template_text)
    {
        auto node = evaluate(template_text);
        INFO(messages());
        CHECK(problems.empty());
        return node.text;
    }

    std::string messages() const
    {
        std::string all;
        for (const auto& d : problems.list()) all += std::to_string(d.at.column) + ": " + d.message + "\n";
        return all;
    }

    // The one problem `template_text` has, as "COLUMN: message" (the string's quote is column 1).
    std::string problem(const std::string& template_text)
    {
        problems = {};
        evaluate(template_text);
        return messages();
    }
};

}  // namespace

TEST_CASE("bake template: %{if} chooses by a bool or a \"true\"/\"false\" string", "[bake][template]")
{
    template_run run;
    CHECK(run.text("img%{if ON}-debug%{endif}") == "img-debug");
    CHECK(run.text("img%{if OFF}-debug%{endif}") == "img");
    CHECK(run.text("%{if OFF}yes%{else}no%{endif}") == "no");
    CHECK(run.text("%{ if WORD }${NAME}%{ else }none%{ endif }") == "app");
    CHECK(run.text("%{if ON}%{if OFF}a%{else}b%{endif}%{endif}") == "b");
}

TEST_CASE("bake template: %{for} repeats over a list's items or an object's keys in order", "[bake][template]")
{
    template_run run;
    CHECK(run.text("%{for x in LIST}${x};%{endfor}") == "a;b;c;");
    CHECK(run.text("%{for i, x in LIST}${i}=${x} %{endfor}") == "0=a 1=b 2=c ");
    CHECK(run.text("%{for k, v in MAP}${k}:${v},%{endfor}") == "y:2,z:1,");
    CHECK(run.text("%{for x in LIST}%{if ON}${NAME}-${x}%{endif} %{endfor}") == "app-a app-b app-c ");
    CHECK(run.text("%{for NAME in LIST}${NAME}%{endfor}${NAME}") == "abcapp");  // the loop's name shadows
}

TEST_CASE("bake template: ~ strips the whitespace next to a tag, newlines included", "[bake][template]")
{
    template_run run;
    CHECK(run.text("%{for x in LIST ~}\n  ${x}\n%{~ endfor}") == "abc");
    CHECK(run.text("a  ${~ NAME ~}  b") == "aappb");
    CHECK(run.text("%{if ON ~}  \n yes \n  %{~ else ~} no %{~ endif}!") == "yes!");
}

TEST_CASE("bake template: $${ and %%{ are literal ${ and %{", "[bake][template]")
{
    template_run run;
    CHECK(run.text("$${NAME} %%{if ON} 100%") == "${NAME} %{if ON} 100%");
    CHECK(run.text("{plain} %d $x") == "{plain} %d $x");
    auto whole = run.evaluate("${LIST}");  // a string that is exactly one reference keeps the type
    CHECK(whole.is_array());
}

TEST_CASE("bake template: broken directives are reported where they start", "[bake][template]")
{
    template_run run;
    CHECK(run.problem("a%{if ON}b") == "3: %{if} without %{endif}\n");
    CHECK(run.problem("a%{endif}") == "3: %{endif} without %{if}\n");
    CHECK(run.problem("%{for x in LIST}x") == "2: %{for} without %{endfor}\n");
    CHECK(run.problem("%{ unless ON }") ==
          "2: unknown template directive \"%{unless ON}\"; lading supports %{if}, %{else}, %{endif}, %{for} and "
          "%{endfor}; write %%{ for a literal %{\n");
    CHECK(run.problem("%{if}x%{endif}") == "2: \"%{if}\": write %{if CONDITION}\n");
    CHECK(run.problem("%{for x of LIST}%{endfor}") ==
          "2: \"%{for x of LIST}\": write %{for VALUE in COLLECTION} or %{for KEY, VALUE in COLLECTION}\n");
    CHECK(run.problem("x %{if ON") == "4: unterminated \"%{\"; write \"%%{\" for a literal \"%{\"\n");
    CHECK(run.problem("%{if NAME}x%{endif}") == "2: the condition of %{if NAME} must be a bool, found a string\n");
    CHECK(run.problem("%{for x in NUMBER}x%{endfor}") == "2: %{for} needs a list or an object; \"NUMBER\" is a number\n");
    CHECK(run.problem("%{if GONE}x%{endif}") == "2: unknown variable \"GONE\"; declare it in a \"variable\" block\n");
    CHECK(run.problem("%{for x in LIST}${y}%{endfor}") ==
          "18: unknown variable \"y\"; declare it in a \"variable\" block\n");
}

TEST_CASE("bake template: loops cannot make a string longer than 1 MiB, nor repeat without end", "[bake][template]")
{
    template_run run;
    json_node many;
    many.type = json_node::kind::array;
    many.items.assign(2000, run.variables.at("NAME"));
    run.variables["MANY"] = many;
    CHECK(run.problem("%{for a in MANY}%{for b in MANY}${b}%{endfor}%{endfor}") ==
          "34: \"${b}\" makes the string longer than 1 MiB\n");
    CHECK(run.problem("%{for a in MANY}%{for b in MANY}abc%{endfor}%{endfor}") ==
          "34: the text makes the string longer than 1 MiB\n");
    CHECK(run.problem("%{for a in MANY}%{for b in MANY}%{for c in MANY}%{endfor}%{endfor}%{endfor}") ==
          "34: loops repeat more than 1048576 times in one value (4194304 in all the files; [for], %{for} and calls of "
          "\"function\" blocks together)\n");
}

TEST_CASE("bake template: expressions compare, combine and choose as HCL's do", "[bake][template]")
{
    template_run run;
    CHECK(run.text("%{if NAME == \"app\"}yes%{else}no%{endif}") == "yes");
    CHECK(run.text("%{ if NAME != \"app\" ~} yes %{~ else ~} no %{~ endif }") == "no");
    CHECK(run.text("${NAME == \"app\" ? \"latest\" : NAME}") == "latest");
    CHECK(run.text("tag-${OFF ? \"debug\" : \"release\"}") == "tag-release");
    CHECK(run.text("=${!ON || WORD}") == "=true");  // "true" serves as a bool
    CHECK(run.text("=${ON && !OFF && (NAME == \"x\" || NUMBER >= 3)}") == "=true");
    CHECK(run.text("${NUMBER < 10} ${NUMBER > 3.5} ${\"5\" <= NUMBER} ${-1 < 0}") == "true false false true");
    // == compares type and value, as HCL: the string "3" is not the number 3; 3 is 3.0.
    CHECK(run.text("${NUMBER == \"3\"} ${NUMBER == 3.0} ${null == null} ${LIST == LIST}") == "false true true true");
    CHECK(run.text("=${\"a}b\" == \"a}b\"}") == "=true");  // a '}' inside a string literal does not end the tag
    CHECK(run.text("${\"say \\\"hi\\\"\"}") == "say \"hi\"");
    CHECK(run.text("${\"$${NAME}\"}") == "${NAME}");
    // A whole-string expression keeps its type: a list, a bool.
    CHECK(run.evaluate("${ON ? LIST : MAP}").is_array());
    CHECK(run.evaluate("${NAME == \"app\"}").type == json_node::kind::boolean);
    // Only the branch taken must have the right type; both must name declared variables.
    CHECK(run.text("${ON ? \"ok\" : LIST}") == "ok");
    CHECK(run.problem("${ON ? \"ok\" : MISSING}") == "2: unknown variable \"MISSING\"; declare it in a \"variable\" block\n");
}

TEST_CASE("bake template: a broken expression is one problem at its tag", "[bake][template]")
{
    template_run run;
    CHECK(run.problem("x${NAME ==}") == "3: \"NAME ==\" ends where a value belongs\n");
    CHECK(run.problem("${NAME ? \"a\"}") == "2: \"?\" without \":\" in \"NAME ? \"a\"\"\n");
    CHECK(run.problem("${NAME ? \"a\" : \"b\"}") == "2: the condition of \"? :\" needs a bool, found a string\n");
    CHECK(run.problem("${(ON}") == "2: \"(\" without \")\" in \"(ON\"\n");
    CHECK(run.problem("${ON && NUMBER}") == "2: \"&&\" needs a bool, found a number\n");
    CHECK(run.problem("${LIST < 3}") == "2: \"<\" compares numbers, found a list\n");
    const std::string offered = " (lading offers the 55 of bake's functions its README lists, and the files' "
                                "\"function\" blocks)\n";
    CHECK(run.problem("${nosuchthing(NAME)}") == "2: unknown function nosuchthing()" + offered);
    CHECK(run.problem("${OFF ? nosuchthing(NAME) : NAME}") == "2: unknown function nosuchthing()" + offered);
    CHECK(run.problem("${uper(NAME)}") == "2: unknown function uper(); did you mean \"upper\"?" + offered);
    CHECK(run.problem("${regex_replace(NAME, \"a\", \"b\")}") ==
          "2: regex_replace() is one of bake's functions that lading does not offer" + offered);
    CHECK(run.problem("${upper(NAME}") == "2: \"upper(\" without \")\" in \"upper(NAME\"\n");
    CHECK(run.problem("${\"open}") == "2: unterminated \"${\"; write \"$${\" for a literal \"${\"\n");
    CHECK(run.problem("${\"x-${NOPE}\"}") == "2: unknown variable \"NOPE\"; declare it in a \"variable\" block\n");
    CHECK(run.problem("${NAME NAME}") == "2: unexpected \"NAME\" in \"NAME NAME\"\n");
    CHECK(run.problem("${}") == "2: \"${}\" names nothing; write ${NAME}\n");
    std::string deep = "${" + std::string(200, '(') + "ON" + std::string(200, ')') + "}";
    CHECK(run.problem(deep) == "2: the expression nests more than 100 levels deep\n");
    std::string negations = "${" + std::string(200, '!') + "ON}";
    CHECK(run.problem(negations) == "2: the expression nests more than 100 levels deep\n");
}

TEST_CASE("bake template: the functions bake files use most, as bake's behave, or refused", "[bake][template]")
{
    template_run run;
    run.variables["BRANCH"] = parsed("\"Feature/Login-Page\"");
    run.variables["EMPTY"] = parsed("null");
    CHECK(run.text("app:${lower(replace(BRANCH, \"/\", \"-\"))}") == "app:feature-login-page");
    CHECK(run.text("${upper(NAME)}-${trimprefix(BRANCH, \"Feature/\")}-${trimsuffix(NAME, \"pp\")}") ==
          "APP-Login-Page-a");
    CHECK(run.text("=${notequal(NAME, \"\")} ${equal(NUMBER, 3)} ${and(ON, not(OFF))} ${or(OFF, WORD)}") ==
          "=true true true true");
    CHECK(run.text("${join(\"-\", LIST)} ${length(LIST)} ${length(MAP)} ${length(NAME)}") == "a-b-c 3 2 3");
    CHECK(run.text("${coalesce(EMPTY, NAME)} ${contains(LIST, \"b\")} ${contains(LIST, \"z\")}") == "app true false");
    auto parts = run.evaluate("${split(\"/\", BRANCH)}");
    REQUIRE(parts.is_array());
    CHECK(parts.items.size() == 2);
    CHECK(run.text("${join(\"+\", split(\",\", \"a,,b\"))}") == "a++b");
    CHECK(run.text("${join(\",\", LIST, [\"x\", NUMBER,])} ${contains([\"main\", \"app\"], NAME)} ${[] == []}") ==
          "a,b,c,x,3 true true");
    CHECK(run.problem("${[NAME NAME]}") == "2: \"[\" without \"]\" in \"[NAME NAME]\"\n");
    // Refused rather than guessed: regular expressions, casing or counting non-ASCII text.
    CHECK(run.problem("${replace(NAME, \"/a+/\", \"b\")}") ==
          "2: replace(): \"/a+/\" is a regular expression, which lading's bake templates do not support\n");
    CHECK(run.problem("${lower(\"\u00c9T\u00c9\")}").find("lower(): argument 1 is not ASCII text") != std::string::npos);
    CHECK(run.problem("${equal(NAME)}") == "2: equal(): takes 2 arguments, not 1\n");
    CHECK(run.problem("${not(NAME)}") == "2: not(): argument 1 must be a bool, found a string\n");
    CHECK(run.problem("${join(\",\", NAME)}") == "2: join(): argument 2 must be a list, found a string\n");
    CHECK(run.problem("${coalesce(EMPTY, null)}") == "2: coalesce(): every argument is null\n");
    CHECK(run.problem("${length(ON)}") == "2: length(): needs a list, an object or a string, found a boolean\n");
}

TEST_CASE("bake template: %{for} walks the value of an expression", "[bake][template]")
{
    template_run run;
    CHECK(run.text("%{for x in split(\",\", \"a,b\")}[${x}]%{endfor}") == "[a][b]");
    CHECK(run.text("%{ for i, x in [\"p\", NAME] ~} ${i}=${x} %{~ endfor }") == "0=p1=app");
    CHECK(run.text("%{for x in ON ? LIST : []}${x}%{endfor}.") == "abc.");
    CHECK(run.problem("%{for x in}%{endfor}") ==
          "2: \"%{for x in}\": write %{for VALUE in COLLECTION} or %{for KEY, VALUE in COLLECTION}\n");
    CHECK(run.problem("%{for x in upper(NAME)}%{endfor}") == "2: %{for} needs a list or an object; \"upper(NAME)\" is a string\n");
}

TEST_CASE("bake template: directives nested past the limit are one problem, not a crash", "[bake][template]")
{
    template_run run;
    std::string deep;
    for (int i = 0; i < 20000; ++i) deep += "%{if true}";
    deep += "a";
    for (int i = 0; i < 20000; ++i) deep += "%{endif}";
    CHECK_THAT(run.problem(deep), Catch::Contains("%{if} and %{for} nest more than 100 levels deep"));
    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += "%{ if ON }";
    hundred += "x";
    for (int i = 0; i < 100; ++i) hundred += "%{ endif }";
    template_run fresh;
    CHECK(fresh.text("[" + hundred + "]") == "[x]");
}

TEST_CASE("bake template: a string inside an expression is a template of its own", "[bake][template]")
{
    template_run run;
    CHECK(run.text("${upper(\"x-${NAME}\")}") == "X-APP");
    CHECK(run.text("${\"%{ for x in LIST }${x}%{ endfor }\"}") == "abc");
    CHECK(run.text("${\"$${NAME}\"}") == "${NAME}");
    // A branch not taken is not made: its function is not run on a list.
    CHECK(run.text("${ON ? \"kept\" : upper(\"${LIST}\")}") == "kept");
    CHECK(run.text("${\"${\"${NAME}\"}\"}") == "app");  // three levels, quotes inside quotes inside quotes
    std::string deep = "x";
    for (int i = 0; i < 40; ++i) deep = "${\"" + deep + "\"}";
    CHECK_THAT(template_run{}.problem(deep), Catch::Contains("nest more than 32 levels deep"));
}

TEST_CASE("bake template: [for ...] makes a list from a list or an object", "[bake][template]")
{
    template_run run;
    CHECK(run.text("${1.50}") == "1.5");  // numbers in expressions as HCL writes them
    CHECK(run.text("${join(\"\\u00e9\", LIST,)}") == "a\xC3\xA9" "b\xC3\xA9" "c");  // \\u escapes, a trailing comma
    CHECK(template_run{}.problem("${\"\\u12\"}") == "2: a \\u escape needs 4 hex digits in \"\"\\u12\"\"\n");
    CHECK(run.text("${join(\",\", [1.50, 1e3, 007, -2.5e-1])}") == "1.5,1000,7,-0.25");
    auto list = run.evaluate("${[for x in LIST : \"${NAME}:${x}\"]}");
    INFO(run.messages());
    REQUIRE(list.is_array());
    REQUIRE(list.items.size() == 3);
    CHECK(list.items[0].text == "app:a");
    CHECK(list.items[2].text == "app:c");
    CHECK(run.text("${join(\",\", [for i, x in LIST : \"${i}${upper(x)}\" if x != \"b\"])}") == "0A,2C");
    CHECK(run.text("${join(\",\", [for k, v in MAP : \"${k}=${v}\"])}") == "y=2,z=1");  // keys in order
    CHECK(run.text("${length([for x in [] : upper(x)])}") == "0");
    CHECK(run.text("${join(\",\", [for x in LIST : join(\"\", [for y in LIST : \"${x}${y}\" if x != y])])}") ==
          "abac,babc,cacb");  // nested: the inner loop sees the outer's name
    CHECK(run.problem("${[for x in NAME : x]}") == "2: \"for\" goes over a list or an object, found a string\n");
    CHECK(run.problem("${[for x LIST : x]}") == "2: \"[for\" without \"in\" in \"[for x LIST : x]\"\n");
    CHECK(run.problem("${[for x in LIST x]}") == "2: \"[for ... in ...\" without \":\" in \"[for x in LIST x]\"\n");
    CHECK(run.problem("${[for x in LIST : x if x]}") == "2: the \"if\" of \"for\" needs a bool, found a string\n");
    CHECK(run.problem("${[for x in LIST : NOPE]}") == "2: unknown variable \"NOPE\"; declare it in a \"variable\" block\n");
    // As in HCL, the condition comes first: the body is not made for an element it leaves out.
    CHECK(template_run{}.text("${join(\",\", [for x in [\"a\", null] : upper(x) if x != null])}") == "A");
    // The loop's names are its own: outside it, x is unknown again.
    CHECK(run.problem("${[[for x in LIST : x], x]}") == "2: unknown variable \"x\"; declare it in a \"variable\" block\n");
}

TEST_CASE("bake template: one value's loops, copies and function results are bounded, not hours of work",
          "[bake][template]")
{
    template_run run;
    auto list_of = [](int items) {
        std::string list = "[";
        for (int i = 0; i < items; ++i) list += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
        return parsed(list + "]");
    };
    run.variables["ROUNDS"] = list_of(1100);
    run.variables["COPIED"] = list_of(16000);
    // [for] rounds and the %{for} rounds of the strings its body makes share one count:
    // 1100 + 1100 * 1100 rounds of almost nothing are stopped at 1048576.
    CHECK_THAT(run.problem("${length([for x in ROUNDS : \"%{ for y in ROUNDS }%{ endfor }\"])}"),
               Catch::Contains("loops repeat more than 1048576 times in one value"));
    // A name read in every round of a loop is copied each time: 1100 * 16001 values.
    CHECK_THAT(template_run{run.variables}.problem("${length([for x in ROUNDS : length(COPIED)])}"),
               Catch::Contains("copies more than 16777216"));
    // replace() of its own result doubles a value at every call.
    std::string doubling = "NAME";
    for (int i = 0; i < 20; ++i) doubling = "replace(" + doubling + ", \"a\", \"aa\")";
    CHECK_THAT(run.problem("${" + doubling + "}"), Catch::Contains("replace() makes a value longer than 1 MiB"));
}

TEST_CASE("bake template: LIST[N] and OBJECT[\"KEY\"] pick one element, as HCL indexes", "[bake][template]")
{
    template_run run;
    CHECK(run.text("${LIST[0]}-${LIST[ON ? 2 : 0]}") == "a-c");
    CHECK(run.text("${MAP[\"y\"]}${split(\",\", \"p,q\")[1]}${[[NAME]][0][0]}") == "2qapp");
    CHECK(run.text("${[for x in LIST : upper(x)][2]}") == "C");
    CHECK(run.text("${OFF ? LIST[9] : \"not read\"}") == "not read");  // a branch not taken is not indexed
    CHECK(template_run{}.problem("${LIST[3]}") == "2: index 3 is past the end of a list of 3\n");
    CHECK(template_run{}.problem("${LIST[\"a\"]}") == "2: a list's index is a whole number from 0, found \"a\"\n");
    CHECK(template_run{}.problem("${MAP[\"nope\"]}") == "2: the object has no key \"nope\"\n");
    CHECK(template_run{}.problem("${NAME[0]}") == "2: only a list or an object can be indexed, found a string\n");
    CHECK(template_run{}.problem("${LIST[0}") == "2: \"[\" without \"]\" after a value in \"LIST[0\"\n");
}

TEST_CASE("bake template: the standard functions refuse what HCL refuses, and what lading does not carry",
          "[bake][template][functions]")
{
    template_run run;
    CHECK(run.problem("${element([], 1)}") == "2: element(): cannot use element function with an empty list\n");
    CHECK(run.problem("${element([], 0)}") == "2: element(): cannot use element function with an empty list\n");
    CHECK(run.problem("${element(LIST, 1.5)}") == "2: element(): argument 2 must be a whole number, found 1.5\n");
    CHECK(run.problem("${slice(LIST, 2, 1)}") == "2: slice(): start index must not be greater than end index\n");
    CHECK(run.problem("${slice(LIST, 0, 4)}") ==
          "2: slice(): end index must not be greater than the length of the list\n");
    CHECK(run.problem("${sort([\"a\", null])}") ==
          "2: sort(): given list element 1 is null; a null string cannot be sorted\n");
    CHECK(run.problem("${compact([[\"a\"]])}") == "2: compact(): argument 1 must be a list of strings, found a list in it\n");
    CHECK(run.problem("${distinct([\"a\", [\"b\"]])}") ==
          "2: distinct(): argument 1 mixes lists or objects with other values\n");
    CHECK(run.problem("${range(0, 1, 0)}") == "2: range(): step must not be zero\n");
    CHECK(run.problem("${range(0, 5, -1)}") == "2: range(): end must be less than start when step is negative\n");
    CHECK(run.problem("${range(0.5)}") == "2: range(): argument 1 must be a whole number, found 0.5\n");
    CHECK(run.problem("${range(2000)}").starts_with("2: range(): more than 1024 values were generated"));
    CHECK(run.problem("${indexof(LIST, \"z\")}") == "2: indexof(): item not found\n");
    CHECK(run.problem("${coalescelist([], [])}") == "2: coalescelist(): no non-null arguments\n");
    CHECK(run.problem("${lookup(MAP, \"z\")}") == "2: lookup(): takes 3 arguments, not 2\n");
    CHECK(run.problem("${keys(LIST)}") == "2: keys(): argument 1 must be an object, found a list\n");
    CHECK(run.problem("${merge(MAP, LIST)}") == "2: merge(): argument 2 must be an object, found a list\n");
    CHECK(run.problem("${indent(-1, NAME)}") == "2: indent(): the number of spaces must not be negative\n");
    CHECK(run.problem("${indent(1000000000, \"a\\nb\")}") == "2: indent(): the indented text would be longer than 1 MiB\n");
    CHECK(run.problem("${title(\"\xc3\xa9t\xc3\xa9\")}") ==
          "2: title(): argument 1 is not ASCII text, which lading does not case or count\n");
    CHECK(run.problem("${substr(\"\xc3\xa9\", 0, 1)}") ==
          "2: substr(): argument 1 is not ASCII text, which lading does not case or count\n");
    CHECK(run.problem("${format(\"%-5s\", NAME)}") ==
          "2: format(): lading formats %s, %d, %t, %v and %% without flags, width, precision or index, not \"%-\"\n");
    CHECK(run.problem("${format(\"%x\", 5)}").starts_with("2: format(): lading formats %s, %d, %t, %v and %%"));
    CHECK(run.problem("${format(\"%s %s\", NAME)}") ==
          "2: format(): not enough arguments for \"%s\" at 3: need index 2 but have 1 total\n");
    CHECK(run.problem("${format(\"%s\", NAME, NAME)}") == "2: format(): too many arguments; only 1 used by format string\n");
    CHECK(run.problem("${format(\"%d\", 1.5)}") == "2: format(): %d needs a whole number, found a number\n");
    CHECK(run.problem("${format(\"%s\", null)}") == "2: format(): a null value cannot be formatted with %s\n");
    CHECK(run.problem("${formatlist(\"%s%s\", LIST, [\"x\"])}") ==
          "2: formatlist(): argument 3 has length 1, which is inconsistent with the other lists, of length 3\n");
    CHECK(run.problem("${base64decode(\"a\")}") == "2: base64decode(): failed to decode base64 data a\n");
    CHECK(run.problem("${base64decode(\"YQ\")}") == "2: base64decode(): failed to decode base64 data YQ\n");  // unpadded
    CHECK(run.problem("${base64decode(\"/w==\")}") ==
          "2: base64decode(): the result of decoding the provided string is not valid UTF-8\n");
}

TEST_CASE("bake template: values of the standard functions the cross-check with HCL's library does not reach",
          "[bake][template][functions]")
{
    template_run run;
    // Go 1.22 and later, which buildx is built with, write \b and \f as such.
    CHECK(run.text("${jsonencode(\"\\u0008\\u000c\\u0001\")}") == "\"\\b\\f\\u0001\"");
    CHECK(run.text("${format(\"%v|%v|%v|%v\", 0, -1234567, null, 0.00012)}") == "0|-1.234567e+06|null|0.00012");
    CHECK(run.text("${format(\"%d|%d\", \"007\", \"1e3\")}") == "7|1000");
    CHECK(run.text("${join(\",\", keys(merge(MAP, null)))}") == "y,z");
    // Negative indexes count from the end, as in the go-cty bake is built with (1.17).
    CHECK(run.text("${element(LIST, -1)}${element(LIST, -4)}${element(LIST, 4)}") == "ccb");
    // CR LF is one character to HCL (one grapheme cluster).
    CHECK(run.text("${strlen(\"a\\r\\nb\")}|${length(\"a\\r\\nb\")}") == "3|3");
    CHECK(run.text("${reverse(\"a\\r\\nb\")}") == "b\r\na");
    CHECK(run.text("${substr(\"a\\r\\nb\", 1, 1)}") == "\r\n");
    // Whole numbers are read exactly, past 2^53 too.
    CHECK(run.text("${join(\",\", range(9007199254740991, 9007199254740993))}") == "9007199254740991,9007199254740992");
    // HCL keeps the sign of zero.
    CHECK(run.text("${format(\"%v\", -0.0)}|${jsonencode(-0)}") == "-0|-0");
    // HCL converts "1" and "0" to bools.
    CHECK(run.text("${\"1\" ? \"y\" : \"n\"}${format(\"%t\", \"0\")}") == "yfalse");
}

TEST_CASE("bake template: timestamp() is now in UTC; formatdate refuses what HCL refuses", "[bake][template][functions]")
{
    template_run run;
    const auto before = std::chrono::system_clock::now();
    const auto now = run.text("${timestamp()}");
    REQUIRE(now.size() == 20);
    CHECK(now[4] == '-');
    CHECK(now[10] == 'T');
    CHECK(now.back() == 'Z');
    // The year it names is this year, read by formattimestamp as unix seconds.
    const auto seconds = std::stoll(template_run{}.text("${formattimestamp(\"X\", timestamp())}"));
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count();
    CHECK(seconds >= elapsed);
    CHECK(seconds <= elapsed + 60);
    CHECK(run.problem("${formatdate(\"YYYY\", \"2024-02-30T00:00:00Z\")}") ==
          "2: formatdate(): not a valid RFC3339 timestamp: day out of range in \"2024-02-30T00:00:00Z\"\n");
    CHECK(run.problem("${formatdate(\"YYYY\", \"2024-01-01 00:00:00Z\")}").starts_with(
        "2: formatdate(): not a valid RFC3339 timestamp: expected \"T\" after the date"));
    CHECK(run.problem("${formatdate(\"YYY\", \"2024-01-01T00:00:00Z\")}") ==
          "2: formatdate(): invalid date format verb \"YYY\": year must either be \"YY\" or \"YYYY\"\n");
    CHECK(run.problem("${formatdate(\"Q\", \"2024-01-01T00:00:00Z\")}") == "2: formatdate(): invalid date format verb \"Q\"\n");
    CHECK(run.problem("${formatdate(\"'open\", \"2024-01-01T00:00:00Z\")}") == "2: formatdate(): unterminated literal '\n");
    CHECK(run.problem("${formattimestamp(\"X\", 1.5)}") == "2: formattimestamp(): argument 2 must be a whole number, found 1.5\n");
}

TEST_CASE("bake template: the standard functions stop large work before doing it", "[bake][template][functions]")
{
    template_run run;
    CHECK(run.problem("${distinct([[\"a\"], [1]])}") ==
          "2: distinct(): lading's distinct() takes a list of strings, numbers or bools, found a list in it\n");
    CHECK(run.problem("${coalescelist(null, LIST)}") == "2: coalescelist(): argument 1 must be a list, found null\n");
    CHECK(run.problem("${indexof(LIST, null)}") == "2: indexof(): cannot search for null\n");
    CHECK(run.problem("${length(formatlist(\"%s${indent(2000, \"\\n\")}\", range(1024)))}") ==
          "2: formatlist(): makes text longer than 1 MiB\n");
    CHECK(run.problem("${length(concat(range(1000), range(1000)))}") == "");
    run.variables["BIG"] = string_node(std::string(600000, 'x'));
    CHECK(run.problem("${length(concat([BIG], [BIG]))}") == "2: concat(): makes a list longer than 1 MiB as JSON\n");
    CHECK(run.problem("${length([for i in range(300) : sha512(BIG)])}") ==
          "2: the values copied and the functions' arguments and results come to more than 256 MiB in one value "
          "(1024 MiB in all the files)\n");
}
