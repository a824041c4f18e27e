// Errors are printed on one line, whatever a lower layer put in them.
#pragma once

#include <string>

namespace lading::cli {

inline std::string one_line(std::string s)
{
    for (auto& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

}  // namespace lading::cli
