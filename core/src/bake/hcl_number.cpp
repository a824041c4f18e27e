#include "bake/hcl_number.hpp"

#include <algorithm>
#include <cstdint>

namespace lading::bake {

std::optional<std::string> canonical_hcl_number(std::string_view written, std::size_t max_digits)
{
    const bool negative = written.starts_with('-');
    if (negative) written.remove_prefix(1);
    auto exponent_at = written.find_first_of("eE");
    auto mantissa = written.substr(0, exponent_at);
    std::int64_t exponent = 0;
    if (exponent_at != std::string_view::npos) {
        auto text = written.substr(exponent_at + 1);
        const bool down = text.starts_with('-');
        if (text.starts_with('-') || text.starts_with('+')) text.remove_prefix(1);
        for (char c : text) {
            exponent = exponent * 10 + (c - '0');
            if (exponent > static_cast<std::int64_t>(max_digits)) break;  // too large either way
        }
        if (down) exponent = -exponent;
    }
    // The digits without their point, and where the point stands among them.
    std::string digits;
    std::int64_t point = 0;
    auto dot = mantissa.find('.');
    digits.append(mantissa.substr(0, dot));
    point = static_cast<std::int64_t>(digits.size());
    if (dot != std::string_view::npos) digits.append(mantissa.substr(dot + 1));
    point += exponent;

    auto first = digits.find_first_not_of('0');
    if (first == std::string::npos) return negative ? "-0" : "0";  // HCL keeps the sign of zero
    digits.erase(0, first);
    point -= static_cast<std::int64_t>(first);
    digits.erase(digits.find_last_not_of('0') + 1);  // zeros after the last digit only move the point
    const auto count = static_cast<std::int64_t>(digits.size());

    std::int64_t length = point <= 0 ? 2 - point + count : std::max(point, count) + (count > point ? 1 : 0);
    if (length + (negative ? 1 : 0) > static_cast<std::int64_t>(max_digits)) return std::nullopt;
    std::string out = negative ? "-" : "";
    if (point <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-point), '0');
        out += digits;
    } else if (point >= count) {
        out += digits;
        out.append(static_cast<std::size_t>(point - count), '0');
    } else {
        out += digits.substr(0, static_cast<std::size_t>(point));
        out += '.';
        out += digits.substr(static_cast<std::size_t>(point));
    }
    return out;
}

}  // namespace lading::bake
