#include "bake/hcl_strings.hpp"

#include "bake/hcl_identifier.hpp"
#include "text/hex_digit.hpp"
#include "text/utf8.hpp"

#include <algorithm>
#include <vector>

namespace lading::bake {

namespace {

char32_t read_hex(hcl_cursor& in, int digits, source_position escape_at)
{
    char32_t value = 0;
    for (int i = 0; i < digits; ++i) {
        int digit = text::hex_digit_value(in.peek());
        if (digit < 0) in.fail("expected " + std::to_string(digits) + " hex digits in the escape", escape_at);
        value = value * 16 + static_cast<char32_t>(digit);
        in.advance();
    }
    return value;
}

void decode_escape(hcl_cursor& in, std::string& out)
{
    auto escape_at = in.at();
    in.advance();  // backslash
    if (in.at_end()) in.fail("unterminated string", escape_at);
    char e = in.peek();
    in.advance();
    char32_t code_point = 0;
    switch (e) {
    case 'n': out += '\n'; return;
    case 'r': out += '\r'; return;
    case 't': out += '\t'; return;
    case '"': out += '"'; return;
    case '\\': out += '\\'; return;
    case 'u': code_point = read_hex(in, 4, escape_at); break;
    case 'U': code_point = read_hex(in, 8, escape_at); break;
    default:
        in.fail(std::string("unknown escape \\") + e +
                 " (HCL strings know \\n, \\r, \\t, \\\", \\\\, \\uNNNN and \\UNNNNNNNN)",
             escape_at);
    }
    if (!text::is_unicode_scalar(code_point))
        in.fail("the escape does not name a Unicode character", escape_at);
    if (code_point == '$' || code_point == '%') {
        out += std::string("${\"") + static_cast<char>(code_point) + "\"}";  // the resolver writes it as text
        return;
    }
    if (code_point == '{' && !out.empty() && (out.back() == '$' || out.back() == '%')) {
        char sign = out.back();
        out.pop_back();
        out += std::string("${\"") + sign + "\"}";
    }
    text::append_utf8(out, code_point);
}

// Lines of only white space keep theirs, as HCL leaves them.
void remove_shared_indentation(std::vector<std::string>& lines)
{
    auto blank = [](const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; };
    auto shared = std::string::npos;
    for (const auto& line : lines)
        if (!blank(line)) shared = std::min(shared, line.find_first_not_of(" \t"));
    if (shared == std::string::npos) return;
    for (auto& line : lines)
        if (!blank(line)) line.erase(0, shared);
}

// Strings inside tags inside strings nest no deeper than this: the resolver reads none of them,
// and each level is a frame on the stack.
constexpr int max_nesting = 100;

void copy_tag(hcl_cursor& in, std::string& out, bool& verbatim, int nesting);
void copy_quoted_at(hcl_cursor& in, std::string& out, bool& verbatim, int nesting);

}  // namespace

bool read_template_string(hcl_cursor& in, std::string& out)
{
    auto opening = in.at();
    in.advance();  // "
    bool verbatim = true;
    for (;;) {
        if (in.at_end() || in.peek() == '\n')
            in.fail("unterminated string: a quoted string ends on the line it starts on; write longer text "
                 "as a heredoc (<<EOT)",
                 opening);
        char c = in.peek();
        if (c == '"') {
            in.advance();
            return verbatim;
        }
        if (c == '\\') {
            decode_escape(in, out);
            verbatim = false;
        } else if ((c == '$' || c == '%') && in.peek(1) == c && in.peek(2) == '{') {
            out.append(in.text().substr(in.place().offset, 3));  // $${ and %%{ are literal; the resolver reads them
            in.advance(3);
        } else if ((c == '$' || c == '%') && in.peek(1) == '{') {
            copy_tag(in, out, verbatim, 1);
        } else {
            out += c;
            in.advance();
        }
    }
}

void copy_quoted(hcl_cursor& in, std::string& out, bool& verbatim) { copy_quoted_at(in, out, verbatim, 0); }

std::string read_heredoc(hcl_cursor& in)
{
    auto opening = in.at();
    in.advance(2);
    bool flush = in.peek() == '-';
    if (flush) in.advance();
    if (!is_identifier_start(in.peek())) in.fail("expected the heredoc's end marker after <<, as in <<EOT", opening);
    auto marker = in.read_identifier();
    while (in.peek() == ' ' || in.peek() == '\t' || in.peek() == '\r') in.advance();
    if (in.peek() != '\n') in.fail("a heredoc's text starts on the line after <<" + marker + ", found " + in.describe_here());
    in.advance();
    std::vector<std::string> lines;
    for (;;) {
        if (in.at_end()) in.fail("heredoc <<" + marker + " has no closing line " + marker, opening);
        auto end = in.text().find('\n', in.place().offset);
        if (end == std::string_view::npos) end = in.text().size();
        auto line = in.text().substr(in.place().offset, end - in.place().offset);
        auto indent = line.find_first_not_of(" \t");
        auto last = line.find_last_not_of(" \t\r");
        if (indent != std::string_view::npos && line.substr(indent, last + 1 - indent) == marker) {
            in.advance(indent + marker.size());
            break;
        }
        lines.emplace_back(line);
        in.advance(end - in.place().offset);
        if (!in.at_end()) in.advance();  // the new line
    }
    if (flush) remove_shared_indentation(lines);
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

namespace {

// A ${...} or %{...} tag as written, through its matching '}' (strings inside may hold '}').
void copy_tag(hcl_cursor& in, std::string& out, bool& verbatim, int nesting)
{
    auto opening = in.at();
    if (nesting > max_nesting)
        in.fail("strings and ${...} nest more than " + std::to_string(max_nesting) + " levels deep", opening);
    auto tag = std::string(in.text().substr(in.place().offset, 2));
    out += tag;
    in.advance(2);
    int depth = 1;
    for (;;) {
        if (in.at_end()) in.fail("unterminated " + tag + " (no '}')", opening);
        char c = in.peek();
        if (c == '"') {
            copy_quoted_at(in, out, verbatim, nesting);
            continue;
        }
        if (c == '{') ++depth;
        if (c == '}' && --depth == 0) {
            out += c;
            in.advance();
            return;
        }
        if (c == '\n') verbatim = false;
        out += c;
        in.advance();
    }
}

void copy_quoted_at(hcl_cursor& in, std::string& out, bool& verbatim, int nesting)
{
    auto opening = in.at();
    out += '"';
    in.advance();
    for (;;) {
        if (in.at_end() || in.peek() == '\n') in.fail("unterminated string", opening);
        char c = in.peek();
        if (c == '"') {
            out += c;
            in.advance();
            return;
        }
        if (c == '\\') {
            out += c;
            in.advance();
            if (in.at_end() || in.peek() == '\n') in.fail("unterminated string", opening);
        } else if ((c == '$' || c == '%') && in.peek(1) == c && in.peek(2) == '{') {
            out.append(in.text().substr(in.place().offset, 3));
            in.advance(3);
            continue;
        } else if ((c == '$' || c == '%') && in.peek(1) == '{') {
            copy_tag(in, out, verbatim, nesting + 1);
            continue;
        }
        out += in.peek();
        in.advance();
    }
}

}  // namespace

}  // namespace lading::bake
