// bake's encoding functions: jsonencode (HCL's), and buildx's base64encode, base64decode,
// urlencode, md5, sha1, sha256 and sha512 (hex digests of the text's UTF-8 bytes).
#include "bake/function_arguments.hpp"
#include "text/utf8.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace lading::bake {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_json_string(std::string& out, const std::string& s)
{
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        default: break;
        }
        // Go escapes <, > and & (for HTML) and U+2028, U+2029 (for JavaScript) too.
        const bool line_separator = c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                                    (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9);
        if (c < 0x20 || c == '<' || c == '>' || c == '&' || line_separator) {
            const unsigned code = line_separator ? (static_cast<unsigned char>(s[i + 2]) == 0xA8 ? 0x2028 : 0x2029) : c;
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(code >> shift) & 0xF];
            if (line_separator) i += 2;
            continue;
        }
        out += static_cast<char>(c);
    }
    out += '"';
}

void append_json(std::string& out, const json_node& v)
{
    switch (v.type) {
    case json_node::kind::null: out += "null"; return;
    case json_node::kind::boolean: out += v.boolean ? "true" : "false"; return;
    case json_node::kind::number: out += canonical_number(v).value_or(v.text); return;
    case json_node::kind::string: append_json_string(out, v.text); return;
    case json_node::kind::array:
        out += '[';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i) out += ',';
            append_json(out, v.items[i]);
        }
        out += ']';
        return;
    case json_node::kind::object: {
        std::vector<const json_member*> members;
        for (const auto& m : v.members) members.push_back(&m);
        std::sort(members.begin(), members.end(), [](auto* x, auto* y) { return x->key < y->key; });
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i) out += ',';
            append_json_string(out, members[i]->key);
            out += ':';
            append_json(out, members[i]->value);
        }
        out += '}';
        return;
    }
    }
}

json_node digest_of(const arguments& a, const EVP_MD* kind)
{
    a.expect(1);
    const auto s = a.text(0);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(s.data(), s.size(), digest, &size, kind, nullptr) != 1) a.fail("the digest could not be computed");
    std::string hex;
    for (unsigned i = 0; i < size; ++i) {
        hex += hex_digits[digest[i] >> 4];
        hex += hex_digits[digest[i] & 0xF];
    }
    return string_node(std::move(hex));
}

constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

json_node base64encode(const arguments& a)
{
    a.expect(1);
    const auto s = a.text(0);
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 3) {
        std::uint32_t group = 0;
        const auto n = std::min<std::size_t>(3, s.size() - i);
        for (std::size_t j = 0; j < 3; ++j)
            group = (group << 8) | (j < n ? static_cast<unsigned char>(s[i + j]) : 0);
        for (std::size_t j = 0; j < 4; ++j) out += j <= n ? base64_alphabet[(group >> (18 - 6 * j)) & 0x3F] : '=';
    }
    return string_node(std::move(out));
}

// Standard base64 with its padding, as Go's StdEncoding reads it (which skips \r and \n).
json_node base64decode(const arguments& a)
{
    a.expect(1);
    std::string s = a.text(0);
    std::erase_if(s, [](char c) { return c == '\r' || c == '\n'; });
    auto invalid = [&] { a.fail("failed to decode base64 data " + a.text(0)); };
    if (s.size() % 4 != 0) invalid();
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 4) {
        std::uint32_t group = 0;
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = s[i + j];
            const char* at = c ? std::strchr(base64_alphabet, c) : nullptr;
            if (c == '=' && i + 4 == s.size() && j >= 2) {
                ++padding;
                group <<= 6;
                continue;
            }
            if (!at || padding > 0) invalid();
            group = (group << 6) | static_cast<std::uint32_t>(at - base64_alphabet);
        }
        for (int j = 0; j < 3 - padding; ++j) out += static_cast<char>((group >> (16 - 8 * j)) & 0xFF);
    }
    if (text::first_invalid_utf8(out)) a.fail("the result of decoding the provided string is not valid UTF-8");
    return string_node(std::move(out));
}

// Go's url.QueryEscape: letters, digits, '-', '_', '.' and '~' stay, a space is '+', and every
// other byte is %XX.
json_node urlencode(const arguments& a)
{
    a.expect(1);
    std::string out;
    for (char c : a.text(0)) {
        const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.' || c == '~';
        if (kept) {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            const auto b = static_cast<unsigned char>(c);
            out += '%';
            out += "0123456789ABCDEF"[b >> 4];
            out += "0123456789ABCDEF"[b & 0xF];
        }
    }
    return string_node(std::move(out));
}

}  // namespace

std::string hcl_json_text(const json_node& v)
{
    std::string out;
    append_json(out, v);
    return out;
}

void add_encoding_functions(function_table& table)
{
    table.insert({
        {"jsonencode",
         [](const arguments& a) {
             a.expect(1);
             return string_node(hcl_json_text(a.at(0)));
         }},
        {"base64encode", base64encode},
        {"base64decode", base64decode},
        {"urlencode", urlencode},
        {"md5", [](const arguments& a) { return digest_of(a, EVP_md5()); }},
        {"sha1", [](const arguments& a) { return digest_of(a, EVP_sha1()); }},
        {"sha256", [](const arguments& a) { return digest_of(a, EVP_sha256()); }},
        {"sha512", [](const arguments& a) { return digest_of(a, EVP_sha512()); }},
    });
}

}  // namespace lading::bake
