#include <lading/formats/base64.hpp>

#include <algorithm>
#include <cstdint>

namespace lading::formats {

namespace {

constexpr std::string_view standard_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::size_t present = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        if (present > 1) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (present > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
        // n bytes fill n + 1 sextets.
        for (std::size_t s = 0; s <= present; ++s) out += alphabet[(group >> (18 - 6 * s)) & 63];
        if (pad) out.append(3 - present, '=');
    }
    return out;
}

std::optional<std::string> decode(std::string_view text, std::string_view alphabet)
{
    for (int i = 0; i < 2 && text.ends_with('='); ++i) text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (char c : text) {
        auto value = alphabet.find(c);
        if (value == std::string_view::npos) return std::nullopt;
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out += static_cast<char>((bits >> bit_count) & 0xff);
        }
    }
    return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, standard_alphabet, true); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, url_alphabet, false); }
std::optional<std::string> base64_decode(std::string_view text) { return decode(text, standard_alphabet); }
std::optional<std::string> base64url_decode(std::string_view text) { return decode(text, url_alphabet); }

}  // namespace lading::formats
