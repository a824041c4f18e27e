// What a bake value's templates refer to, read without evaluating them: the functions their
// expressions call and the names they read (the first part of NAME.KEY), strings inside
// expressions and the directives' bodies included, less the names loops bind. bake checks a
// function block's result this way before anything calls it.
#pragma once

#include "bake/positioned_json.hpp"

#include <set>
#include <string>

namespace lading::bake {

struct template_references {
    std::set<std::string> calls;
    std::set<std::string> names;
};

// The references in every string of `value` (object keys included). Text that is not a
// well-formed template adds nothing: evaluating it reports the problem.
template_references references_in(const json_node& value);

}  // namespace lading::bake
