// The strings of an HCL bake file, read from the cursor standing at their first character.
// Their text stays a template for the resolver, whose ${...} and %{...} tags (and any strings
// inside those) are kept as written, as a JSON bake file's decoded strings keep them.
#pragma once

#include "bake/hcl_cursor.hpp"

#include <string>

namespace lading::bake {

// A quoted template ("..."): HCL's escapes (\n, \r, \t, \", \\, \uNNNN, \UNNNNNNNN) are
// decoded outside the tags; $${ and %%{ are kept for the resolver, which reads them as literal.
// Returns true when `out` got exactly the source's characters, all on one line.
bool read_template_string(hcl_cursor& in, std::string& out);

// A quoted string inside an expression or a tag, appended as written; `verbatim` turns false
// when it spans lines.
void copy_quoted(hcl_cursor& in, std::string& out, bool& verbatim);

// <<MARKER or <<-MARKER and the lines up to one that holds only MARKER (indented or not).
// The text is a template without backslash escapes, each line ending in a new line; <<-
// removes the indentation its lines share, lines of only white space aside.
std::string read_heredoc(hcl_cursor& in);

}  // namespace lading::bake
