#include "registry/header_values.hpp"

#include <algorithm>

namespace lading::registry {

namespace {

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool restricted_name(std::string_view s)
{
    constexpr std::string_view others = "!#$&-^_.+";
    return !s.empty() && s.size() <= 127 && alnum(s.front()) &&
           std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || others.find(c) != std::string_view::npos; });
}

}  // namespace

bool is_media_type(std::string_view text)
{
    auto slash = text.find('/');
    return slash != std::string_view::npos && restricted_name(text.substr(0, slash)) &&
           restricted_name(text.substr(slash + 1));
}

bool is_safe_header_value(std::string_view text)
{
    return std::none_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && u != '\t') || u == 0x7f;
    });
}

}  // namespace lading::registry
