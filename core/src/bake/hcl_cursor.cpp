#include "bake/hcl_cursor.hpp"

#include "bake/hcl_identifier.hpp"

namespace lading::bake {

void hcl_cursor::fail(std::string message, std::optional<source_position> at) const
{
    throw hcl_syntax_fault{{at.value_or(here_.at), std::move(message)}};
}

std::string hcl_cursor::describe_here() const
{
    if (at_end()) return "end of file";
    char c = peek();
    if (c == '\n') return "end of line";
    if (static_cast<unsigned char>(c) < 0x20) return "control character";
    return std::string("'") + c + "'";
}

void hcl_cursor::advance()
{
    char c = text_[here_.offset++];
    if (c == '\n') {
        ++here_.at.line;
        here_.at.column = 1;
        return;
    }
    // The column moves on once a whole UTF-8 character has been read.
    bool inside_character = !at_end() && (static_cast<unsigned char>(peek()) & 0xC0) == 0x80;
    if (!inside_character) ++here_.at.column;
}

void hcl_cursor::advance(std::size_t count)
{
    while (count-- > 0 && !at_end()) advance();
}

void hcl_cursor::skip_inline()
{
    for (;;) {
        char c = peek();
        if (c == ' ' || c == '\t' || c == '\r') {
            advance();
        } else if (c == '#' || looking_at("//")) {
            while (!at_end() && peek() != '\n') advance();
        } else if (looking_at("/*")) {
            skip_block_comment();
        } else {
            return;
        }
    }
}

void hcl_cursor::skip_lines()
{
    for (;;) {
        skip_inline();
        if (peek() != '\n') return;
        advance();
    }
}

void hcl_cursor::skip_block_comment()
{
    auto opening = here_.at;
    advance(2);
    while (!looking_at("*/")) {
        if (at_end()) fail("unterminated /* comment", opening);
        advance();
    }
    advance(2);
}

std::string hcl_cursor::read_identifier()
{
    auto start = here_.offset;
    if (!is_identifier_start(peek())) fail("expected a name, found " + describe_here());
    while (is_identifier_character(peek())) advance();
    return std::string(text_.substr(start, here_.offset - start));
}

bool hcl_cursor::for_keyword_from(std::size_t offset) const
{
    while (offset < text_.size() && std::string_view(" \t\r\n").find(text_[offset]) != std::string_view::npos)
        ++offset;
    return text_.substr(offset, 3) == "for" &&
           (offset + 3 >= text_.size() || !is_identifier_character(text_[offset + 3]));
}

}  // namespace lading::bake
