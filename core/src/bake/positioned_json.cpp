#include "bake/positioned_json.hpp"

#include "bake/hcl_number.hpp"
#include "text/hex_digit.hpp"
#include "text/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace lading::bake {

const json_node* json_node::find(std::string_view key) const
{
    for (const auto& m : members)
        if (m.key == key) return &m.value;
    return nullptr;
}

json_node string_node(std::string text)
{
    json_node n;
    n.type = json_node::kind::string;
    n.text = std::move(text);
    return n;
}

json_node number_node(std::string text)
{
    json_node n;
    n.type = json_node::kind::number;
    n.text = std::move(text);
    return n;
}

std::vector<const json_member*> members_by_key(const json_node& object)
{
    std::vector<const json_member*> members;
    for (const auto& m : object.members) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](const json_member* a, const json_member* b) { return a->key < b->key; });
    return members;
}

json_node list_node(const std::vector<std::string>& items)
{
    json_node n;
    n.type = json_node::kind::array;
    for (const auto& i : items) n.items.push_back(string_node(i));
    return n;
}

json_node bool_node(bool value)
{
    json_node n;
    n.type = json_node::kind::boolean;
    n.boolean = value;
    return n;
}

std::string_view kind_name(json_node::kind k)
{
    switch (k) {
    case json_node::kind::null: return "null";
    case json_node::kind::boolean: return "a boolean";
    case json_node::kind::number: return "a number";
    case json_node::kind::string: return "a string";
    case json_node::kind::array: return "a list";
    case json_node::kind::object: return "an object";
    }
    return "a value";
}

namespace {

// Nested arrays and objects deeper than this are refused rather than risk the stack.
constexpr int max_depth = 200;

struct syntax_fault {
    json_syntax_error error;
};

class reader {
public:
    explicit reader(std::string_view text) : text_(text) {}

    json_node document()
    {
        skip_space();
        auto value = read_value(0);
        skip_space();
        if (!at_end()) fail("unexpected " + describe_here() + " after the JSON value");
        return value;
    }

private:
    std::string_view text_;
    std::size_t offset_ = 0;
    source_position here_;

    bool at_end() const { return offset_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[offset_]; }

    [[noreturn]] void fail(std::string message, std::optional<source_position> at = std::nullopt) const
    {
        throw syntax_fault{{at.value_or(here_), std::move(message)}};
    }

    std::string describe_here() const
    {
        if (at_end()) return "end of file";
        char c = peek();
        if (static_cast<unsigned char>(c) < 0x20) return "control character";
        return std::string("'") + c + "'";
    }

    void advance()
    {
        char c = text_[offset_++];
        if (c == '\n') {
            ++here_.line;
            here_.column = 1;
            return;
        }
        // The column moves on once a whole UTF-8 character has been read.
        bool inside_character = !at_end() && (static_cast<unsigned char>(text_[offset_]) & 0xC0) == 0x80;
        if (!inside_character) ++here_.column;
    }

    void skip_space()
    {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) advance();
    }

    void expect(char c, const std::string& what)
    {
        if (peek() != c) fail("expected " + what + ", found " + describe_here());
        advance();
    }

    json_node read_value(int depth)
    {
        if (depth > max_depth) fail("nesting deeper than " + std::to_string(max_depth) + " levels");
        json_node node;
        node.at = here_;
        char c = peek();
        if (c == '{') {
            node.type = json_node::kind::object;
            read_object(node, depth);
        } else if (c == '[') {
            node.type = json_node::kind::array;
            read_array(node, depth);
        } else if (c == '"') {
            node.type = json_node::kind::string;
            node.verbatim = read_string(node.text);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            node.type = json_node::kind::number;
            node.text = read_number();
        } else if (read_word("true")) {
            node.type = json_node::kind::boolean;
            node.boolean = true;
        } else if (read_word("false")) {
            node.type = json_node::kind::boolean;
        } else if (read_word("null")) {
            node.type = json_node::kind::null;
        } else {
            fail("expected a JSON value, found " + describe_here());
        }
        return node;
    }

    bool read_word(std::string_view word)
    {
        if (text_.substr(offset_, word.size()) != word) return false;
        for (std::size_t i = 0; i < word.size(); ++i) advance();
        return true;
    }

    void read_object(json_node& node, int depth)
    {
        advance();  // {
        skip_space();
        if (peek() == '}') {
            advance();
            return;
        }
        for (;;) {
            if (peek() != '"') fail("expected a quoted key, found " + describe_here());
            json_member member;
            member.key_at = here_;
            member.key_verbatim = read_string(member.key);
            for (const auto& m : node.members)
                if (m.key == member.key) fail("duplicate key \"" + member.key + "\"", member.key_at);
            skip_space();
            expect(':', "':' after the key");
            skip_space();
            member.value = read_value(depth + 1);
            node.members.push_back(std::move(member));
            skip_space();
            if (peek() == ',') {
                advance();
                skip_space();
                if (peek() == '}') fail("trailing comma before '}'");
                continue;
            }
            expect('}', "',' or '}'");
            return;
        }
    }

    void read_array(json_node& node, int depth)
    {
        advance();  // [
        skip_space();
        if (peek() == ']') {
            advance();
            return;
        }
        for (;;) {
            node.items.push_back(read_value(depth + 1));
            skip_space();
            if (peek() == ',') {
                advance();
                skip_space();
                if (peek() == ']') fail("trailing comma before ']'");
                continue;
            }
            expect(']', "',' or ']'");
            return;
        }
    }

    std::string read_number()
    {
        auto start = offset_;
        auto digits = [&] {
            if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit, found " + describe_here());
            while (peek() >= '0' && peek() <= '9') advance();
        };
        if (peek() == '-') advance();
        if (peek() == '0') {
            advance();
            if (peek() >= '0' && peek() <= '9') fail("a number cannot start with 0");
        } else {
            digits();
        }
        if (peek() == '.') {
            advance();
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            advance();
            if (peek() == '+' || peek() == '-') advance();
            digits();
        }
        // As HCL's JSON reader has numbers: exact decimals, written without needless zeros or
        // an exponent (1.50 is 1.5, 1e3 is 1000), as the HCL form of a file writes them too.
        const auto written = text_.substr(start, offset_ - start);
        auto canonical = canonical_hcl_number(written);
        if (!canonical) fail("the number " + std::string(written.substr(0, 20)) + "... has more than 1000 digits");
        return std::move(*canonical);
    }

    unsigned read_hex4()
    {
        unsigned value = 0;
        for (int i = 0; i < 4; ++i) {
            int digit = text::hex_digit_value(peek());
            if (digit < 0) fail("expected a hex digit in \\u escape, found " + describe_here());
            value = value * 16 + static_cast<unsigned>(digit);
            advance();
        }
        return value;
    }

    // Returns true when the string had no escapes.
    bool read_string(std::string& out)
    {
        auto opening = here_;
        advance();  // "
        bool verbatim = true;
        for (;;) {
            if (at_end()) fail("unterminated string", opening);
            char c = peek();
            if (c == '"') {
                advance();
                return verbatim;
            }
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string; write it as an escape");
            if (c != '\\') {
                out += c;
                advance();
                continue;
            }
            verbatim = false;
            auto escape_at = here_;
            advance();
            char e = peek();
            if (at_end()) fail("unterminated string", opening);
            advance();
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = read_hex4();
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (!read_word("\\u")) fail("a high surrogate must be followed by a low one", escape_at);
                    auto low = read_hex4();
                    if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate must be followed by a low one", escape_at);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail("a low surrogate without a high one", escape_at);
                }
                text::append_utf8(out, cp);
                break;
            }
            default: fail(std::string("unknown escape \\") + e, escape_at);
            }
        }
    }
};

}  // namespace

std::optional<json_node> parse_positioned_json(std::string_view text, json_syntax_error& error)
{
    try {
        return reader(text).document();
    } catch (const syntax_fault& f) {
        error = f.error;
        return std::nullopt;
    }
}

}  // namespace lading::bake
