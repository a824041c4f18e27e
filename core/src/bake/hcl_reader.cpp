#include "bake/hcl_reader.hpp"

#include "bake/hcl_cursor.hpp"
#include "bake/hcl_identifier.hpp"
#include "bake/hcl_number.hpp"
#include "bake/hcl_strings.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace lading::bake {

namespace {

// Nested blocks, lists and objects deeper than this are refused rather than risk the stack.
constexpr int max_depth = 200;

// Where a value stands, which decides what may end it besides a new line or the file's end.
enum class value_context {
    attribute,         // at the top level
    block_attribute,   // in a block, which may close on the same line: { tags = ["a"] }
    list_item,         // ends at ',' or ']'
    object_item,       // ends at ',' or '}'
    object_key,        // a (parenthesised) key, ends at '=' or ':'
};

const std::string object_for_refusal =
    "a for expression that makes an object ({for ...}) is not supported; [for ...] makes a list";

class hcl_reader {
public:
    explicit hcl_reader(std::string_view text) : in_(text) {}

    json_node file()
    {
        json_node root;
        root.type = json_node::kind::object;
        read_body(root, true, "", 0);
        return root;
    }

private:
    hcl_cursor in_;
    std::set<std::string> global_attributes_;  // names set outside blocks, each once

    // ---- bodies and blocks

    void read_body(json_node& body, bool top_level, const std::string& block_type, int depth)
    {
        for (;;) {
            in_.skip_lines();
            if (in_.at_end()) {
                if (!top_level) in_.fail("expected '}' to close the " + block_type + " block, found end of file");
                return;
            }
            if (in_.peek() == '}') {
                if (top_level) in_.fail("'}' without a block to close");
                in_.advance();
                return;
            }
            auto name_at = in_.at();
            auto name = in_.read_identifier();
            in_.skip_inline();
            if (in_.peek() != '=' || in_.peek(1) == '=') {
                read_block(body, top_level, name, name_at, depth);
                continue;
            }
            in_.advance();
            in_.skip_inline();
            auto context = top_level ? value_context::attribute : value_context::block_attribute;
            auto value = block_type == "variable" && name == "type" && in_.peek() != '"' ? read_type_expression()
                                                                                    : read_value(depth + 1, context);
            in_.skip_inline();
            if (!in_.at_end() && in_.peek() != '\n' && (top_level || in_.peek() != '}'))
                in_.fail("expected a new line after the value of \"" + name + "\", found " + in_.describe_here());
            if (top_level)
                set_global_attribute(body, name, name_at, std::move(value));
            else
                add_attribute(body, name, name_at, std::move(value));
        }
    }

    void read_block(json_node& body, bool top_level, const std::string& type, source_position type_at, int depth)
    {
        if (depth >= max_depth) in_.fail("blocks nested deeper than " + std::to_string(max_depth) + " levels");
        std::vector<std::pair<std::string, source_position>> labels;
        while (in_.peek() != '{') {
            auto label_at = in_.at();
            if (in_.peek() == '"')
                labels.emplace_back(read_label(), label_at);
            else if (is_identifier_start(in_.peek()))
                labels.emplace_back(in_.read_identifier(), label_at);
            else
                in_.fail("expected '=' or a block after \"" + type + "\", found " + in_.describe_here());
            in_.skip_inline();
        }
        if (top_level && labels.size() != 1)
            in_.fail("a " + type + " block takes one name, as in " + type + " \"NAME\" { ... }", type_at);
        json_node content;
        content.type = json_node::kind::object;
        content.at = in_.at();
        in_.advance();  // {
        read_body(content, false, type, depth + 1);

        // Each block stays a definition of its own, merged by the resolver as it merges one file's
        // definition with another's (buildx merges a target written twice the same way).
        if (labels.empty()) {
            body.members.push_back({type, type_at, std::move(content)});
            return;
        }
        json_node* into = &member_object(body, type, type_at);
        for (std::size_t i = 0; i + 1 < labels.size(); ++i) into = &member_object(*into, labels[i].first, labels[i].second);
        into->members.push_back({labels.back().first, labels.back().second, std::move(content)});
    }

    std::string read_label()
    {
        auto at = in_.at();
        std::string label;
        read_template_string(in_, label);
        if (label.find("${") != std::string::npos || label.find("%{") != std::string::npos)
            in_.fail("a block's name cannot hold a template", at);
        return label;
    }

    // The object under `key`, made when there is none yet (blocks of one type share it).
    json_node& member_object(json_node& parent, const std::string& key, source_position key_at)
    {
        for (auto& m : parent.members) {
            if (m.key != key) continue;
            if (!m.value.is_object()) in_.fail("\"" + key + "\" is set as a value and written as a block", key_at);
            return m.value;
        }
        json_member member;
        member.key = key;
        member.key_at = key_at;
        member.value.type = json_node::kind::object;
        member.value.at = key_at;
        parent.members.push_back(std::move(member));
        return parent.members.back().value;
    }

    void add_attribute(json_node& body, const std::string& name, source_position at, json_node value)
    {
        for (const auto& m : body.members)
            if (m.key == name)
                in_.fail("\"" + name + "\" is set twice in this block; the first is at line " +
                         std::to_string(m.key_at.line) + ", column " + std::to_string(m.key_at.column),
                     at);
        body.members.push_back({name, at, std::move(value)});
    }

    // bake's global attribute, kept beside the blocks for the resolver.
    void set_global_attribute(json_node& root, const std::string& name, source_position at, json_node value)
    {
        if (name == "variable" || name == "group" || name == "target" || name == "function")
            in_.fail("\"" + name + "\" names a kind of block; it cannot be set as a value", at);
        if (!global_attributes_.insert(name).second) in_.fail("\"" + name + "\" is set twice in this file", at);
        json_member attribute{name, at, std::move(value)};
        attribute.global_attribute = true;
        root.members.push_back(std::move(attribute));
    }

    // ---- values

    json_node read_value(int depth, value_context context)
    {
        if (depth > max_depth) in_.fail("values nested deeper than " + std::to_string(max_depth) + " levels");
        auto start = in_.place();
        if (auto literal = read_literal(depth)) {
            in_.skip_inline();
            if (ends_value(context)) return std::move(*literal);
            in_.rewind(start);  // the literal begins a longer expression
        }
        return read_expression(context);
    }

    bool ends_value(value_context context)
    {
        if (context == value_context::list_item) in_.skip_lines();  // HCL reads [...] across lines
        char c = in_.peek();
        if (in_.at_end() || c == '\n') return true;
        switch (context) {
        case value_context::attribute: return false;
        case value_context::block_attribute: return c == '}';
        case value_context::list_item: return c == ',' || c == ']';
        case value_context::object_item: return c == ',' || c == '}';
        case value_context::object_key: return c == '=' || c == ':';
        }
        return false;
    }

    std::optional<json_node> read_literal(int depth)
    {
        json_node node;
        node.at = in_.at();
        char c = in_.peek();
        if (c == '"') {
            node.type = json_node::kind::string;
            node.verbatim = read_template_string(in_, node.text);
        } else if (in_.looking_at("<<")) {
            node.type = json_node::kind::string;
            node.text = read_heredoc(in_);
        } else if (is_decimal_digit(c) || (c == '-' && is_decimal_digit(in_.peek(1)))) {
            node.type = json_node::kind::number;
            auto written_at = in_.at();
            auto canonical = canonical_hcl_number(read_number());
            if (!canonical) in_.fail("the number has more than 1000 digits", written_at);
            node.text = std::move(*canonical);
        } else if (c == '[' && in_.for_keyword_from(in_.place().offset + 1)) {
            return std::nullopt;  // [for ...] is an expression
        } else if (c == '[') {
            node.type = json_node::kind::array;
            read_list(node, depth);
        } else if (c == '{') {
            node.type = json_node::kind::object;
            read_object(node, depth);
        } else if (is_identifier_start(c)) {
            auto word_start = in_.place();
            auto word = in_.read_identifier();
            if (word == "true" || word == "false") {
                node.type = json_node::kind::boolean;
                node.boolean = word == "true";
            } else if (word != "null") {
                in_.rewind(word_start);
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
        return node;
    }

    // The number as written; read_literal makes it canonical.
    std::string read_number()
    {
        auto start = in_.place().offset;
        if (in_.peek() == '-') in_.advance();
        auto digits = [&] {
            if (!is_decimal_digit(in_.peek())) in_.fail("expected a digit, found " + in_.describe_here());
            while (is_decimal_digit(in_.peek())) in_.advance();
        };
        digits();
        if (in_.peek() == '.' && is_decimal_digit(in_.peek(1))) {
            in_.advance();
            digits();
        }
        if ((in_.peek() == 'e' || in_.peek() == 'E') &&
            (is_decimal_digit(in_.peek(1)) || ((in_.peek(1) == '+' || in_.peek(1) == '-') && is_decimal_digit(in_.peek(2))))) {
            in_.advance();
            if (in_.peek() == '+' || in_.peek() == '-') in_.advance();
            digits();
        }
        return std::string(in_.text().substr(start, in_.place().offset - start));
    }

    void read_list(json_node& list, int depth)
    {
        auto opening = in_.at();
        in_.advance();  // [
        in_.skip_lines();
        while (in_.peek() != ']') {
            if (in_.at_end()) in_.fail("'[' without ']'", opening);
            list.items.push_back(read_value(depth + 1, value_context::list_item));
            in_.skip_lines();
            if (in_.peek() == ',') {
                in_.advance();
                in_.skip_lines();
            } else if (in_.peek() != ']') {
                in_.fail("expected ',' or ']' in the list, found " + in_.describe_here());
            }
        }
        in_.advance();
    }

    void read_object(json_node& object, int depth)
    {
        auto opening = in_.at();
        in_.advance();  // {
        if (in_.for_keyword_from(in_.place().offset)) in_.fail(object_for_refusal, opening);
        in_.skip_lines();
        while (in_.peek() != '}') {
            if (in_.at_end()) in_.fail("'{' without '}'", opening);
            json_member member;
            member.key_at = in_.at();
            if (in_.peek() == '"') {
                member.key_verbatim = read_template_string(in_, member.key);
            } else if (in_.peek() == '(') {
                member.key = "${" + scan_expression(value_context::object_key, member.key_verbatim) + "}";
                member.key_verbatim = false;
            } else if (is_identifier_start(in_.peek())) {
                member.key = in_.read_identifier();
            } else {
                in_.fail("expected a key (a name, a \"string\" or an (expression)), found " + in_.describe_here());
            }
            for (const auto& m : object.members)
                if (m.key == member.key) in_.fail("duplicate key \"" + member.key + "\"", member.key_at);
            in_.skip_inline();
            if (in_.peek() != '=' && in_.peek() != ':') in_.fail("expected '=' after the key, found " + in_.describe_here());
            in_.advance();
            in_.skip_inline();
            member.value = read_value(depth + 1, value_context::object_item);
            object.members.push_back(std::move(member));
            in_.skip_inline();
            if (in_.peek() == ',')
                in_.advance();
            else if (!in_.at_end() && in_.peek() != '\n' && in_.peek() != '}')
                in_.fail("expected ',', a new line or '}' after the value, found " + in_.describe_here());
            in_.skip_lines();
        }
        in_.advance();
    }

    // Any expression that is not a literal, handed to the resolver as "${EXPRESSION}".
    json_node read_expression(value_context context)
    {
        json_node node;
        node.type = json_node::kind::string;
        node.at = in_.at();
        auto expression = scan_expression(context, node.verbatim);
        if (expression.empty()) in_.fail("expected a value, found " + in_.describe_here());
        node.text = "${" + expression + "}";
        node.text_column = 0;  // a problem with the "${" part is shown at the expression's first character
        return node;
    }

    // `list(string)`, `map(any)`...: the text of the type, without spaces.
    json_node read_type_expression()
    {
        json_node node;
        node.type = json_node::kind::string;
        node.at = in_.at();
        bool verbatim_unused = true;
        for (char c : scan_expression(value_context::block_attribute, verbatim_unused))
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') node.text += c;
        if (node.text.empty()) in_.fail("expected a type, found " + in_.describe_here());
        return node;
    }

    // The source text of an expression up to what ends it in `context`, comments replaced by a
    // space; `verbatim` tells whether the text is exactly the characters of one line.
    std::string scan_expression(value_context context, bool& verbatim)
    {
        std::string out;
        verbatim = true;
        int depth = 0;
        while (!in_.at_end()) {
            char c = in_.peek();
            const bool across_lines = depth > 0 || context == value_context::list_item;
            if (depth == 0 && (c == ',' || c == '}' || c == ')' || c == ']')) break;
            if (c == '\n' && !across_lines) break;
            if (depth == 0 && context == value_context::object_key && (c == '=' || c == ':')) break;
            if (c == '#' || in_.looking_at("//")) {
                if (!across_lines) break;
                while (!in_.at_end() && in_.peek() != '\n') in_.advance();
                out += ' ';
                verbatim = false;
                continue;
            }
            if (in_.looking_at("/*")) {
                in_.skip_block_comment();
                out += ' ';
                verbatim = false;
                continue;
            }
            if (in_.looking_at("<<")) in_.fail("a heredoc inside an expression is not supported; make it the whole value");
            if (c == '{')
                in_.fail("an object inside an expression is not supported; write the object as the whole value");
            if (c == '"') {
                copy_quoted(in_, out, verbatim);
                continue;
            }
            if (c == '(' || c == '[') {
                ++depth;
            } else if (c == ')' || c == ']') {
                --depth;
            } else if (c == '\n' || c == '\r') {
                verbatim = false;
            }
            out += c;
            in_.advance();
        }
        while (!out.empty() && std::string_view(" \t\r\n").find(out.back()) != std::string_view::npos) out.pop_back();
        return out;
    }

};

}  // namespace

std::optional<json_node> parse_bake_hcl(std::string_view text, json_syntax_error& error)
{
    try {
        return hcl_reader(text).file();
    } catch (const hcl_syntax_fault& f) {
        error = f.error;
        return std::nullopt;
    }
}

}  // namespace lading::bake
