// Table keys made of several texts: each part is prefixed by its length, so that no two
// lists of parts make one key.
#pragma once

#include <string>
#include <string_view>

namespace lading::registry {

inline std::string key_part(std::string_view text)
{
    return std::to_string(text.size()) + ":" + std::string(text);
}

}  // namespace lading::registry
