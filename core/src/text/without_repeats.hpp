// The first of each value of a short list, in order: names an export binds, a bake target's
// tags and layers.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace lading::text {

inline std::vector<std::string> without_repeats(const std::vector<std::string>& values)
{
    std::vector<std::string> out;
    for (const auto& v : values)
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
}

}  // namespace lading::text
