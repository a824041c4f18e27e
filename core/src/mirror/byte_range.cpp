#include "mirror/byte_range.hpp"

#include <charconv>
#include <optional>

namespace lading::mirror {

namespace {

std::optional<std::uint64_t> number(std::string_view s)
{
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

range_answer parse_range(std::string_view header, std::uint64_t size)
{
    const range_answer bad{range_outcome::unsatisfiable};
    if (header.empty()) return {};
    if (!header.starts_with("bytes=")) return bad;
    auto spec = header.substr(6);
    if (spec.find(',') != std::string_view::npos) return {};
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return bad;
    auto from = spec.substr(0, dash), to = spec.substr(dash + 1);
    if (from.find_first_not_of(' ') == std::string_view::npos) {
        auto suffix = number(to);
        if (!suffix || *suffix == 0 || size == 0) return bad;
        std::uint64_t n = *suffix < size ? *suffix : size;
        return {range_outcome::partial, size - n, size - 1};
    }
    auto first = number(from);
    if (!first || *first >= size) return bad;
    if (to.find_first_not_of(' ') == std::string_view::npos) return {range_outcome::partial, *first, size - 1};
    auto last = number(to);
    if (!last || *last < *first) return bad;
    return {range_outcome::partial, *first, *last < size ? *last : size - 1};
}

}  // namespace lading::mirror
