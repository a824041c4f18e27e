// A bake file in HCL's native syntax (docker-bake.hcl), read into the positioned tree a JSON
// bake file gives, so that one resolver serves both and reports problems at the HCL source's
// lines and columns. The mapping is the one bake's JSON form implies:
//   - `TYPE "NAME" { BODY }` is TYPE → NAME → an object of BODY's attributes. A block written
//     twice is two members of one name, which the resolver merges as it merges files; a block
//     inside a block becomes a key of its own (and the resolver names it as unknown).
//   - `NAME = VALUE` outside any block is bake's global attribute: a member of the root marked
//     json_member::global_attribute.
//   - Strings, heredocs (`<<EOT`, `<<-EOT` with its indentation removed), numbers (in HCL's
//     canonical decimal text: 3.10 is "3.1"), `true`,
//     `false`, `null`, `[lists]` and `{objects}` (keys as names, "strings" or `(expressions)`)
//     are themselves. A string keeps its `${...}` and `%{...}` tags for the resolver; HCL's
//     escapes are decoded outside the tags only, as JSON decodes them before bake does.
//   - Any other expression (a variable, `target.app.tags`, a function call, a condition) is the
//     string "${EXPRESSION}", which the resolver evaluates to a value of its own type.
//   - `type` in a variable block is a type expression (`list(string)`), kept as its text.
// Comments are `#`, `//` and `/* */`. Objects inside expressions (`{for ...}` among them) are
// refused with their position: the resolver has no way to evaluate them.
#pragma once

#include "bake/positioned_json.hpp"

#include <optional>
#include <string_view>

namespace lading::bake {

// Parses a whole file. On malformed input returns nullopt and fills `error` with the position
// and a description of the first fault.
std::optional<json_node> parse_bake_hcl(std::string_view text, json_syntax_error& error);

}  // namespace lading::bake
