// bake's encoding functions: jsonencode (HCL's), and buildx's base64encode, base64decode,
// urlencode, md5, sha1, sha256 and sha512 (hex digests of the text's UTF-8 bytes).
#include "bake/function_arguments.hpp"
#include "registry/percent_encode.hpp"
#include "text/utf8.hpp"

#include <lading/formats/base64.hpp>

#include <openssl/evp.h>

#include <algorithm>

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
        const auto members = members_by_key(v);
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

json_node base64encode(const arguments& a)
{
    a.expect(1);
    return string_node(formats::base64_encode(a.text(0)));
}

// Standard base64 with its padding, as Go's StdEncoding reads it (which skips \r and \n;
// formats::base64_decode alone would take the padding as optional).
json_node base64decode(const arguments& a)
{
    a.expect(1);
    std::string s = a.text(0);
    std::erase_if(s, [](char c) { return c == '\r' || c == '\n'; });
    auto decoded = s.size() % 4 == 0 ? formats::base64_decode(s) : std::nullopt;
    if (!decoded) a.fail("failed to decode base64 data " + a.text(0));
    if (text::first_invalid_utf8(*decoded)) a.fail("the result of decoding the provided string is not valid UTF-8");
    return string_node(std::move(*decoded));
}

// Go's url.QueryEscape: the unreserved characters stay, a space is '+', and every other
// byte is %XX (so a '+' of the text is %2B).
json_node urlencode(const arguments& a)
{
    a.expect(1);
    auto out = percent_encode(a.text(0), " ");
    std::replace(out.begin(), out.end(), ' ', '+');
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
