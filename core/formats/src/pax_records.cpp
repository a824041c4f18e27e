#include <lading/formats/pax_records.hpp>

#include <charconv>
#include <limits>

namespace lading::formats::pax {

std::optional<std::uint64_t> parse_decimal(std::string_view text)
{
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::vector<record> parse_records(std::string_view body)
{
    std::vector<record> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto malformed = [&] {
            return format_error("malformed PAX record at byte " + std::to_string(pos) + " of an extended header");
        };
        const std::string_view rest = body.substr(pos);
        const auto space = rest.find(' ');
        if (space == std::string_view::npos) throw malformed();
        const auto len = parse_decimal(rest.substr(0, space));
        // At least "<digits> k=\n"; never beyond the body.
        if (!len || *len < space + 4 || *len > rest.size() || rest[*len - 1] != '\n') throw malformed();
        const std::string_view text = rest.substr(space + 1, *len - space - 2);
        const auto eq = text.find('=');
        if (eq == std::string_view::npos || eq == 0) throw malformed();
        out.push_back({text.substr(0, eq), text.substr(eq + 1)});
        pos += *len;
    }
    return out;
}

std::string encode_record(std::string_view key, std::string_view value)
{
    const std::size_t body = 1 + key.size() + 1 + value.size() + 1;
    std::size_t len = body + 1;
    while (std::to_string(len).size() + body != len) ++len;
    std::string r = std::to_string(len);
    r += ' ';
    r.append(key);
    r += '=';
    r.append(value);
    r += '\n';
    return r;
}

std::optional<time_value> parse_time(std::string_view text)
{
    const bool negative = text.starts_with('-');
    if (negative) text.remove_prefix(1);
    const auto dot = text.find('.');
    const auto whole = parse_decimal(text.substr(0, dot));
    if (!whole || *whole > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - 1)) return std::nullopt;
    std::uint32_t fraction = 0;
    if (dot != std::string_view::npos) {
        const auto digits = text.substr(dot + 1);
        if (digits.empty()) return std::nullopt;
        for (std::size_t i = 0; i < digits.size(); ++i) {
            if (digits[i] < '0' || digits[i] > '9') return std::nullopt;
            if (i < 9) fraction = fraction * 10 + static_cast<std::uint32_t>(digits[i] - '0');
        }
        for (std::size_t i = digits.size(); i < 9; ++i) fraction *= 10;
    }
    time_value t{static_cast<std::int64_t>(*whole), fraction};
    if (negative) {
        t.seconds = -t.seconds;
        if (fraction) {
            t.seconds -= 1;
            t.nanoseconds = 1'000'000'000u - fraction;
        }
    }
    return t;
}

}  // namespace lading::formats::pax
