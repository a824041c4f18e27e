#include "json_text.hpp"

#include <chrono>
#include <cstdio>

namespace lading::plugins::estargz {

namespace {

// Length of the valid UTF-8 sequence at the start of s, or 0 (overlong forms, surrogates
// and code points above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto continuation = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xbf) {
        return i < s.size() && byte(i) >= lo && byte(i) <= hi;
    };
    unsigned char c = byte(0);
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return continuation(1) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
        unsigned char hi = c == 0xed ? 0x9f : 0xbf;
        return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
        return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
    }
    return 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    while (!s.empty()) {
        unsigned char c = static_cast<unsigned char>(s[0]);
        std::size_t n = utf8_sequence(s);
        if (n == 0) {
            out += "\\ufffd";
            n = 1;
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out.append(s.substr(0, n));
        }
        s.remove_prefix(n);
    }
    out += '"';
}

std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[v & 63] : '=';
    }
    return out;
}

std::string rfc3339_utc(std::int64_t seconds, std::int64_t nanos)
{
    using namespace std::chrono;
    // Years 0000..9999 only: RFC 3339 has no others, and readers would reject them.
    constexpr std::int64_t first = -62'167'219'200, last = 253'402'300'799;
    if (seconds == 0 || seconds < first || seconds >= last) return {};
    if (nanos >= 500'000'000) ++seconds;  // Go rounds halfway values up
    sys_seconds t{std::chrono::seconds(seconds)};
    sys_days day = floor<days>(t);
    year_month_day date{day};
    hh_mm_ss<std::chrono::seconds> clock{t - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    std::string out = buf;
    std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lldZ", static_cast<long long>(clock.hours().count()),
                  static_cast<long long>(clock.minutes().count()), static_cast<long long>(clock.seconds().count()));
    return out + buf;
}

}  // namespace lading::plugins::estargz
