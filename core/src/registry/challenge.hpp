// WWW-Authenticate challenges (RFC 7235) as registries send them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lading::registry {

struct challenge {
    std::string scheme;                        // lower-cased: "basic", "bearer", ...
    std::map<std::string, std::string> params; // names lower-cased, values unquoted
};

// Parses one header value, which may hold several challenges. Throws lading::error on a
// malformed value (unbalanced quotes, missing '=').
std::vector<challenge> parse_challenges(std::string_view header);

// The scopes of a Bearer challenge's "scope" parameter (space separated).
std::vector<std::string> split_scopes(std::string_view scope);

}  // namespace lading::registry
