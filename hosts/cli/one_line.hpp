// Text that reaches the terminal from elsewhere (errors of lower layers, strings a registry
// sent) is printed on one line, with no control character: a registry must not be able to
// move the cursor, clear the screen or forge a line of lading's own.
#pragma once

#include <string>

namespace lading::cli {

inline std::string one_line(std::string s)
{
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return s;
}

}  // namespace lading::cli
