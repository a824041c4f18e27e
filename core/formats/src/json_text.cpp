#include <lading/formats/json_text.hpp>

namespace lading::formats {

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

}  // namespace lading::formats
