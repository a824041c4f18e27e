// HCL's numbers are exact decimals that become text without an exponent or needless zeros:
// 3.10 is "3.1", 1e3 is "1000", 007 is "7" (as buildx writes them into strings and --print).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lading::bake {

// The canonical text of a number written as -?DIGITS(.DIGITS)?([eE][+-]?DIGITS)?, or nullopt
// when it would take more than `max_digits` characters.
std::optional<std::string> canonical_hcl_number(std::string_view written, std::size_t max_digits = 1000);

}  // namespace lading::bake
