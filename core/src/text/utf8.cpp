#include "text/utf8.hpp"

#include <algorithm>

#include <lading/error.hpp>

namespace lading::text {

namespace {

bool in_range(unsigned char byte, unsigned char low, unsigned char high)
{
    return byte >= low && byte <= high;
}

// The length of the well-formed character at `at`, or 0 when it is not one. The allowed
// range of the second byte is what rules out overlong forms, surrogates and values past
// U+10FFFF (RFC 3629, section 4).
std::size_t character_length(std::string_view bytes, std::size_t at)
{
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[at + i]); };
    const auto lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;
    if (in_range(lead, 0xC2, 0xDF)) {
        length = 2;
    } else if (in_range(lead, 0xE0, 0xEF)) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (in_range(lead, 0xF0, 0xF4)) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (bytes.size() - at < length || !in_range(byte(1), low, high)) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!in_range(byte(i), 0x80, 0xBF)) return 0;
    return length;
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes)
{
    for (std::size_t at = 0; at < bytes.size();) {
        auto length = character_length(bytes, at);
        if (length == 0) return at;
        at += length;
    }
    return std::nullopt;
}

void require_utf8(std::string_view value, const std::string& what, std::string_view destination)
{
    if (auto at = first_invalid_utf8(value))
        throw usage_error(what + " is not valid UTF-8 (at byte " + std::to_string(*at + 1) + "); " +
                          std::string(destination) + ", which must be UTF-8");
}

void append_utf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::vector<std::string_view> utf8_characters(std::string_view text)
{
    std::vector<std::string_view> characters;
    for (std::size_t at = 0; at < text.size();) {
        const auto lead = static_cast<unsigned char>(text[at]);
        std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        n = std::min(n, text.size() - at);
        characters.push_back(text.substr(at, n));
        at += n;
    }
    return characters;
}

}  // namespace lading::text
