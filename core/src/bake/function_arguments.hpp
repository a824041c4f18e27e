// What the built-in functions of bake templates share: their arguments with the checks and
// conversions HCL applies (a number or a bool where text is needed is its text; "true" and
// "false" serve as bools; a numeric string as a number), and the table they are listed in.
// Each group of functions (template_functions.cpp, collection_functions.cpp,
// text_functions.cpp, format_functions.cpp, encoding_functions.cpp, time_functions.cpp) adds
// its own.
#pragma once

#include "bake/positioned_json.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading::bake {

// Throws template_function_error{"NAME(): MESSAGE"}.
[[noreturn]] void function_failure(const std::string& function, const std::string& message);

// A value where text is needed: strings, and numbers and bools as their text (HCL converts
// them); nothing for null, lists and objects.
std::optional<std::string> text_of(const json_node& v);

// Arguments as one function sees them, with the checks every function shares.
class arguments {
public:
    arguments(const std::string& function, const std::vector<json_node>& values) : function_(function), values_(values) {}

    void expect(std::size_t n) const;
    void expect_at_least(std::size_t n) const;
    std::size_t size() const { return values_.size(); }
    const json_node& at(std::size_t i) const { return values_[i]; }
    const std::string& function() const { return function_; }
    [[noreturn]] void fail(const std::string& message) const { function_failure(function_, message); }

    // A string argument; numbers and bools convert to their text, as HCL converts them.
    std::string text(std::size_t i) const;
    // As text(), refusing text that is not ASCII (which lading does not case or count).
    std::string ascii_text(std::size_t i) const;
    bool flag(std::size_t i) const;
    // A whole number (or a string that is one) that fits 64 bits, read exactly.
    std::int64_t whole_number(std::size_t i) const;
    const json_node& list(std::size_t i) const;
    const json_node& object(std::size_t i) const;
    // A list whose elements are text as a list(string) parameter converts them; a null element
    // is nullopt.
    std::vector<std::optional<std::string>> texts(std::size_t i) const;

private:
    [[noreturn]] void wrong_type(std::size_t i, const char* wanted) const;

    const std::string& function_;
    const std::vector<json_node>& values_;
};

using template_function = std::function<json_node(const arguments&)>;
using function_table = std::map<std::string, template_function>;

void add_collection_functions(function_table& table);
void add_text_functions(function_table& table);
void add_format_functions(function_table& table);
void add_encoding_functions(function_table& table);
void add_time_functions(function_table& table);

// A number, or a string that is one, as HCL writes it (3.10 is 3.1, 1e3 is 1000); nullopt
// for anything else.
std::optional<std::string> canonical_number(const json_node& v);
// A value as HCL's jsonencode writes it: compact, object keys in byte order, strings escaped
// as Go's encoding/json escapes them (<, > and & too).
std::string hcl_json_text(const json_node& v);

// The characters of ASCII text as HCL counts them (grapheme clusters): each byte, but a CR LF
// pair is one.
std::vector<std::string_view> ascii_clusters(std::string_view text);

// Decimal text of a whole number, as HCL writes numbers.
json_node whole_number_node(std::int64_t n);
// A list of values.
json_node list_of(std::vector<json_node> items);

}  // namespace lading::bake
