// One CSV record as buildx reads an --output value (RFC 4180, no lazy quotes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lading {

// Splits `text` into fields. A field that starts with '"' is quoted: '""' inside it is a
// literal quote and commas are kept. Throws usage_error with the column of the fault on a
// bare quote in an unquoted field or an unbalanced quote. One trailing newline is allowed.
std::vector<std::string> parse_csv_record(std::string_view text);

// The record parse_csv_record reads back as `fields`: a field with a comma or a quote is quoted.
std::string format_csv_record(const std::vector<std::string>& fields);

}  // namespace lading
