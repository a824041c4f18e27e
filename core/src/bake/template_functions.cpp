#include "bake/template_functions.hpp"

#include "bake/function_arguments.hpp"
#include "bake/interpolation.hpp"
#include "bake/template_expression.hpp"
#include "text/closest_name.hpp"

#include <boost/algorithm/string/replace.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace lading::bake {

namespace {

// The one ASCII text argument with the letters from..from+25 moved to to..to+25.
json_node ascii_case(const arguments& a, char from, char to)
{
    a.expect(1);
    auto s = a.ascii_text(0);
    std::transform(s.begin(), s.end(), s.begin(), [&](char c) { return c >= from && c < from + 26 ? char(c - from + to) : c; });
    return string_node(s);
}

// The functions lading offered first: comparisons, logic and the commonest text functions.
function_table core_functions()
{
    return {
        {"equal", [](const arguments& a) { a.expect(2); return bool_node(same_value(a.at(0), a.at(1))); }},
        {"notequal", [](const arguments& a) { a.expect(2); return bool_node(!same_value(a.at(0), a.at(1))); }},
        {"and", [](const arguments& a) { a.expect(2); return bool_node(a.flag(0) && a.flag(1)); }},
        {"or", [](const arguments& a) { a.expect(2); return bool_node(a.flag(0) || a.flag(1)); }},
        {"not", [](const arguments& a) { a.expect(1); return bool_node(!a.flag(0)); }},
        {"coalesce",
         [](const arguments& a) {
             a.expect_at_least(1);
             for (std::size_t i = 0; i < a.size(); ++i)
                 if (a.at(i).type != json_node::kind::null) return a.at(i);
             a.fail("every argument is null");
         }},
        {"contains",
         [](const arguments& a) {
             a.expect(2);
             const auto& items = a.list(0).items;
             return bool_node(std::any_of(items.begin(), items.end(), [&](const json_node& v) { return same_value(v, a.at(1)); }));
         }},
        {"length",
         [](const arguments& a) {
             a.expect(1);
             const auto& v = a.at(0);
             if (v.is_array()) return number_node(std::to_string(v.items.size()));
             if (v.is_object()) return number_node(std::to_string(v.members.size()));
             if (v.is_string()) return number_node(std::to_string(ascii_clusters(a.ascii_text(0)).size()));
             a.fail("needs a list, an object or a string, found " + std::string(kind_name(v.type)));
         }},
        {"join",
         [](const arguments& a) {
             a.expect_at_least(2);
             const auto separator = a.text(0);
             std::string out;
             bool first = true;
             for (std::size_t i = 1; i < a.size(); ++i)
                 for (const auto& item : a.list(i).items) {
                     auto t = text_of(item);
                     if (!t) a.fail("joins strings, found " + std::string(kind_name(item.type)) + " in a list");
                     if (!first) out += separator;
                     out += *t;
                     first = false;
                 }
             return string_node(out);
         }},
        {"split",
         [](const arguments& a) {
             a.expect(2);
             const auto separator = a.text(0), s = a.text(1);
             if (separator.empty()) return list_node({s});  // as HCL: no separator splits nothing
             std::vector<std::string> pieces;
             std::size_t from = 0;
             for (auto at = s.find(separator); at != std::string::npos; at = s.find(separator, from)) {
                 pieces.push_back(s.substr(from, at - from));
                 from = at + separator.size();
             }
             pieces.push_back(s.substr(from));
             return list_node(pieces);
         }},
        {"replace",
         [](const arguments& a) {
             a.expect(3);
             const auto what = a.text(1);
             if (what.size() >= 2 && what.front() == '/' && what.back() == '/')
                 a.fail("\"" + what + "\" is a regular expression, which lading's bake templates do not support");
             auto s = a.text(0);
             if (!what.empty()) boost::algorithm::replace_all(s, what, a.text(2));
             return string_node(std::move(s));
         }},
        {"trimprefix",
         [](const arguments& a) {
             a.expect(2);
             auto s = a.text(0);
             const auto prefix = a.text(1);
             return string_node(s.starts_with(prefix) ? s.substr(prefix.size()) : s);
         }},
        {"trimsuffix",
         [](const arguments& a) {
             a.expect(2);
             auto s = a.text(0);
             const auto suffix = a.text(1);
             return string_node(s.ends_with(suffix) ? s.substr(0, s.size() - suffix.size()) : s);
         }},
        {"lower", [](const arguments& a) { return ascii_case(a, 'A', 'a'); }},
        {"upper", [](const arguments& a) { return ascii_case(a, 'a', 'A'); }},
    };
}

const function_table& functions()
{
    static const function_table table = [] {
        auto t = core_functions();
        add_collection_functions(t);
        add_text_functions(t);
        add_format_functions(t);
        add_encoding_functions(t);
        add_time_functions(t);
        return t;
    }();
    return table;
}

}  // namespace

bool is_template_function(const std::string& name) { return functions().contains(name); }

bool is_bake_builtin_function(const std::string& name)
{
    // bake's standard library (buildx's bake/hclparser/stdlib.go), lading's functions among them.
    static const std::set<std::string, std::less<>> names = {
        "absolute", "add", "and", "base64decode", "base64encode", "basename", "bcrypt", "byteslen", "bytesslice",
        "can", "ceil", "chomp", "chunklist", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "coalesce",
        "coalescelist", "compact", "concat", "contains", "convert", "csvdecode", "dirname", "distinct", "divide",
        "element", "equal", "flatten", "floor", "format", "formatdate", "formatlist", "formattimestamp", "greaterthan",
        "greaterthanorequalto", "hasindex", "homedir", "indent", "index", "indexof", "int", "join", "jsondecode", "jsonencode",
        "keys", "length", "lessthan", "lessthanorequalto", "log", "lookup", "lower", "max", "md5", "merge", "min",
        "modulo", "multiply", "negate", "not", "notequal", "or", "parseint", "pow", "range", "regex",
        "regex_replace", "regexall", "replace", "reverse", "reverselist", "rsadecrypt", "sanitize",
        "semvercmp", "sethaselement", "setintersection", "setproduct", "setsubtract", "setsymmetricdifference", "setunion",
        "sha1", "sha256", "sha512", "signum", "slice", "sort", "split", "strlen", "substr", "subtract", "timeadd",
        "timestamp", "title", "trim", "trimprefix", "trimspace", "trimsuffix", "try", "unixtimestampparse", "upper", "urlencode",
        "uuidv4", "uuidv5", "values", "zipmap"};
    return names.contains(name);
}

json_node call_template_function(const std::string& name, const std::vector<json_node>& args)
{
    auto it = functions().find(name);
    if (it == functions().end()) {
        std::vector<std::string_view> known;
        for (const auto& [n, f] : functions()) known.push_back(n);
        throw template_function_error{
            (is_bake_builtin_function(name) ? name + "() is one of bake's functions that lading does not offer"
                                            : "unknown function " + name + "()" + text::did_you_mean(name, known)) +
            " (lading offers the " + std::to_string(known.size()) + " of bake's functions its README lists, and the " +
            "files' \"function\" blocks)"};
    }
    return it->second(arguments(name, args));
}

}  // namespace lading::bake
