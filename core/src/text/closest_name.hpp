// "Did you mean" hints: the candidate nearest to a misspelt word.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lading::text {

// Single-character insertions, deletions and substitutions that turn `a` into `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a plausible typo (at most
// max(3, |word| / 3) edits away); empty when nothing is.
std::string closest_name(std::string_view word, const std::vector<std::string_view>& candidates);

// "; did you mean \"X\"?" for the closest candidate, or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace lading::text
