#include "bake/template_functions.hpp"

#include "bake/interpolation.hpp"
#include "bake/template_expression.hpp"

#include <boost/algorithm/string/replace.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace lading::bake {

namespace {

[[noreturn]] void fail(const std::string& function, const std::string& message)
{
    throw template_function_error{function + "(): " + message};
}

// A value where text is needed: strings, and numbers and bools as their text (HCL converts
// them); nothing for null, lists and objects.
std::optional<std::string> text_of(const json_node& v)
{
    if (v.type == json_node::kind::null) return std::nullopt;
    return scalar_text(v);
}

// Arguments as one function sees them, with the checks every function shares.
class arguments {
public:
    arguments(const std::string& function, const std::vector<json_node>& values) : function_(function), values_(values) {}

    void expect(std::size_t n) const
    {
        if (values_.size() != n)
            fail(function_, "takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", not " +
                                std::to_string(values_.size()));
    }
    void expect_at_least(std::size_t n) const
    {
        if (values_.size() < n) fail(function_, "takes at least " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
    }
    std::size_t size() const { return values_.size(); }
    const json_node& at(std::size_t i) const { return values_[i]; }

    // A string argument; numbers and bools convert to their text, as HCL converts them.
    std::string text(std::size_t i) const
    {
        const auto& v = values_[i];
        auto t = text_of(v);
        if (!t) fail(function_, "argument " + std::to_string(i + 1) + " must be a string, found " + std::string(kind_name(v.type)));
        return *t;
    }
    std::string ascii_text(std::size_t i) const
    {
        auto t = text(i);
        if (std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
            fail(function_, "argument " + std::to_string(i + 1) + " is not ASCII text, which lading does not case or count");
        return t;
    }
    bool flag(std::size_t i) const
    {
        if (auto b = as_condition(values_[i])) return *b;
        fail(function_, "argument " + std::to_string(i + 1) + " must be a bool, found " + std::string(kind_name(values_[i].type)));
    }
    const json_node& list(std::size_t i) const
    {
        if (!values_[i].is_array())
            fail(function_, "argument " + std::to_string(i + 1) + " must be a list, found " + std::string(kind_name(values_[i].type)));
        return values_[i];
    }

private:
    const std::string& function_;
    const std::vector<json_node>& values_;
};

// The one ASCII text argument with the letters from..from+25 moved to to..to+25.
json_node ascii_case(const arguments& a, char from, char to)
{
    a.expect(1);
    auto s = a.ascii_text(0);
    std::transform(s.begin(), s.end(), s.begin(), [&](char c) { return c >= from && c < from + 26 ? char(c - from + to) : c; });
    return string_node(s);
}

using function = std::function<json_node(const std::string& name, const arguments&)>;

const std::map<std::string, function>& functions()
{
    static const std::map<std::string, function> table{
        {"equal", [](auto&, const arguments& a) { a.expect(2); return bool_node(same_value(a.at(0), a.at(1))); }},
        {"notequal", [](auto&, const arguments& a) { a.expect(2); return bool_node(!same_value(a.at(0), a.at(1))); }},
        {"and", [](auto&, const arguments& a) { a.expect(2); return bool_node(a.flag(0) && a.flag(1)); }},
        {"or", [](auto&, const arguments& a) { a.expect(2); return bool_node(a.flag(0) || a.flag(1)); }},
        {"not", [](auto&, const arguments& a) { a.expect(1); return bool_node(!a.flag(0)); }},
        {"coalesce",
         [](const std::string& name, const arguments& a) {
             a.expect_at_least(1);
             for (std::size_t i = 0; i < a.size(); ++i)
                 if (a.at(i).type != json_node::kind::null) return a.at(i);
             fail(name, "every argument is null");
         }},
        {"contains",
         [](auto&, const arguments& a) {
             a.expect(2);
             const auto& items = a.list(0).items;
             return bool_node(std::any_of(items.begin(), items.end(), [&](const json_node& v) { return same_value(v, a.at(1)); }));
         }},
        {"length",
         [](const std::string& name, const arguments& a) {
             a.expect(1);
             const auto& v = a.at(0);
             if (v.is_array()) return number_node(std::to_string(v.items.size()));
             if (v.is_object()) return number_node(std::to_string(v.members.size()));
             if (v.is_string()) return number_node(std::to_string(a.ascii_text(0).size()));
             fail(name, "needs a list, an object or a string, found " + std::string(kind_name(v.type)));
         }},
        {"join",
         [](const std::string& name, const arguments& a) {
             a.expect_at_least(2);
             const auto separator = a.text(0);
             std::string out;
             bool first = true;
             for (std::size_t i = 1; i < a.size(); ++i)
                 for (const auto& item : a.list(i).items) {
                     auto t = text_of(item);
                     if (!t) fail(name, "joins strings, found " + std::string(kind_name(item.type)) + " in a list");
                     if (!first) out += separator;
                     out += *t;
                     first = false;
                 }
             return string_node(out);
         }},
        {"split",
         [](auto&, const arguments& a) {
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
         [](const std::string& name, const arguments& a) {
             a.expect(3);
             const auto what = a.text(1);
             if (what.size() >= 2 && what.front() == '/' && what.back() == '/')
                 fail(name, "\"" + what + "\" is a regular expression, which lading's bake templates do not support");
             auto s = a.text(0);
             if (!what.empty()) boost::algorithm::replace_all(s, what, a.text(2));
             return string_node(std::move(s));
         }},
        {"trimprefix",
         [](auto&, const arguments& a) {
             a.expect(2);
             auto s = a.text(0);
             const auto prefix = a.text(1);
             return string_node(s.starts_with(prefix) ? s.substr(prefix.size()) : s);
         }},
        {"trimsuffix",
         [](auto&, const arguments& a) {
             a.expect(2);
             auto s = a.text(0);
             const auto suffix = a.text(1);
             return string_node(s.ends_with(suffix) ? s.substr(0, s.size() - suffix.size()) : s);
         }},
        {"lower", [](auto&, const arguments& a) { return ascii_case(a, 'A', 'a'); }},
        {"upper", [](auto&, const arguments& a) { return ascii_case(a, 'a', 'A'); }},
    };
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
        "element", "equal", "flatten", "floor", "format", "formatdate", "formatlist", "greaterthan",
        "greaterthanorequalto", "hasindex", "indent", "index", "indexof", "int", "join", "jsondecode", "jsonencode",
        "keys", "length", "lessthan", "lessthanorequalto", "log", "lookup", "lower", "max", "md5", "merge", "min",
        "modulo", "multiply", "negate", "not", "notequal", "or", "parseint", "pow", "range", "regex",
        "regex_replace", "regexall", "replace", "reverse", "reverselist", "rsadecrypt", "sanitize",
        "sethaselement", "setintersection", "setproduct", "setsubtract", "setsymmetricdifference", "setunion",
        "sha1", "sha256", "sha512", "signum", "slice", "sort", "split", "strlen", "substr", "subtract", "timeadd",
        "timestamp", "title", "trim", "trimprefix", "trimspace", "trimsuffix", "try", "upper", "urlencode",
        "uuidv4", "uuidv5", "values", "zipmap"};
    return names.contains(name);
}

json_node call_template_function(const std::string& name, const std::vector<json_node>& args)
{
    auto it = functions().find(name);
    if (it == functions().end()) {
        std::string known;
        for (const auto& [n, f] : functions()) known += (known.empty() ? "" : ", ") + n;
        throw template_function_error{(is_bake_builtin_function(name) ? name + "() is one of bake's functions that lading "
                                                                              "does not offer"
                                                                      : "unknown function " + name + "()") +
                                      "; lading's bake templates have " + known + " and the files' \"function\" blocks"};
    }
    return it->second(name, arguments(name, args));
}

}  // namespace lading::bake
