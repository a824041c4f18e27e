// A place in an HCL bake file being read: the byte it stands at, with the line and column that
// byte is shown at (columns count UTF-8 characters from 1), and the steps every part of the
// reader takes (characters, white space and comments, names). A fault is thrown as
// hcl_syntax_fault, caught once by parse_bake_hcl.
#pragma once

#include "bake/positioned_json.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lading::bake {

struct hcl_syntax_fault {
    json_syntax_error error;
};

// A byte offset and the line and column it stands for.
struct hcl_place {
    std::size_t offset = 0;
    source_position at;
};

class hcl_cursor {
public:
    explicit hcl_cursor(std::string_view text) : text_(text) {}

    std::string_view text() const { return text_; }
    const hcl_place& place() const { return here_; }
    source_position at() const { return here_.at; }
    void rewind(const hcl_place& earlier) { here_ = earlier; }

    bool at_end() const { return here_.offset >= text_.size(); }
    char peek(std::size_t ahead = 0) const
    {
        auto i = here_.offset + ahead;
        return i < text_.size() ? text_[i] : '\0';
    }
    bool looking_at(std::string_view s) const { return text_.substr(here_.offset, s.size()) == s; }

    [[noreturn]] void fail(std::string message, std::optional<source_position> at = std::nullopt) const;
    // The character here as a message names it: 'x', end of line, end of file.
    std::string describe_here() const;

    void advance();
    void advance(std::size_t count);

    // Spaces, tabs, carriage returns and comments up to the end of the line (a /* */ comment
    // may span lines).
    void skip_inline();
    // skip_inline, over new lines too.
    void skip_lines();
    void skip_block_comment();

    // A name: a letter or '_', then letters, digits, '_' and '-'.
    std::string read_identifier();
    // Whether `for` is the next word from `offset` on, spaces and new lines aside.
    bool for_keyword_from(std::size_t offset) const;

private:
    std::string_view text_;
    hcl_place here_;
};

}  // namespace lading::bake
