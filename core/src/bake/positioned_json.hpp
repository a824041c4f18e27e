// Strict JSON (RFC 8259) read into a tree that remembers where every value and key starts,
// so that a bake file's problems can be shown at their line and column. Columns count
// characters (UTF-8 code points) from 1.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lading::bake {

struct source_position {
    int line = 1;
    int column = 1;
    bool operator==(const source_position&) const = default;
};

struct json_member;

struct json_node {
    enum class kind { null, boolean, number, string, array, object };
    kind type = kind::null;
    source_position at;        // the first character of the value (a string's opening quote)
    bool boolean = false;
    std::string text;          // a string's decoded value, or a number as HCL writes it (1.50 is 1.5)
    bool verbatim = false;     // a string without escapes: text is exactly its source characters
    int text_column = 1;       // with verbatim: the column of text's first character, counted from `at`
                               // (1: past the quote; 0: text the reader made around the source's)
    std::vector<json_node> items;      // an array's elements
    std::vector<json_member> members;  // an object's members in the order written

    bool is_string() const { return type == kind::string; }
    bool is_object() const { return type == kind::object; }
    bool is_array() const { return type == kind::array; }
    // The member named `key`, or nullptr.
    const json_node* find(std::string_view key) const;
};

struct json_member {
    std::string key;
    source_position key_at;
    json_node value;
    bool key_verbatim = false;  // as json_node::verbatim, for the key
    bool global_attribute = false;  // an HCL file's NAME = VALUE outside blocks (bake's global attribute)
};

struct json_syntax_error {
    source_position at;
    std::string message;
};

// Parses a whole document. On malformed input returns nullopt and fills `error` with the
// position and a description of the first fault.
std::optional<json_node> parse_positioned_json(std::string_view text, json_syntax_error& error);

// An object's members in the byte order of their keys, the order in which HCL iterates,
// lists and encodes objects.
std::vector<const json_member*> members_by_key(const json_node& object);

// The JSON name of a kind, for "expected a list, found a string" messages.
std::string_view kind_name(json_node::kind k);

// Values lading makes rather than reads (they have no position in a file).
json_node string_node(std::string text);
json_node number_node(std::string text);  // `text` as JSON writes the number
json_node bool_node(bool value);
json_node list_node(const std::vector<std::string>& items);  // a list of strings

}  // namespace lading::bake
