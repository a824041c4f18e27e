#include "bake/bake_file_text.hpp"

#include "text/utf8.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace lading::bake {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

// Everything before `offset` is UTF-8, so columns count characters as the JSON reader does.
source_position position_of(const std::string& text, std::size_t offset)
{
    source_position at;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++at.line;
            at.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++at.column;
        }
    }
    return at;
}

std::string hex_byte(char c)
{
    char out[8];
    std::snprintf(out, sizeof out, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

bake_syntax syntax_of(const fs::path& path, std::string_view text)
{
    if (path.extension() == ".json") return bake_syntax::json;
    if (path.extension() == ".hcl") return bake_syntax::hcl;
    auto first = text.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && text[first] == '{' ? bake_syntax::json : bake_syntax::hcl;
}

std::optional<bake_text_fault> check_bake_encoding(const std::string& text)
{
    if (text.starts_with(byte_order_mark))
        return bake_text_fault{source_position{}, "the file starts with a UTF-8 byte order mark (BOM), which a bake "
                                                  "file cannot have; save it without one"};
    if (auto bad = text::first_invalid_utf8(text))
        return bake_text_fault{position_of(text, *bad), "invalid UTF-8 (byte " + hex_byte(text[*bad]) +
                                                            "); a bake file must be UTF-8 text"};
    return std::nullopt;
}

std::variant<std::string, bake_text_fault> read_bake_text(const fs::path& path)
{
    std::stringstream text;
    if (path == "-") {
        text << std::cin.rdbuf();
    } else {
        std::error_code ec;
        if (fs::is_directory(path, ec))
            return bake_text_fault{std::nullopt, "bake file " + path.string() + " is a directory; name a file"};
        std::ifstream in(path, std::ios::binary);
        if (!in) return bake_text_fault{std::nullopt, "cannot read bake file " + path.string()};
        text << in.rdbuf();
    }
    auto bytes = text.str();
    if (auto fault = check_bake_encoding(bytes)) return *fault;
    return bytes;
}

}  // namespace lading::bake
