// One bake file's bytes ("-" is standard input, whose relative paths are relative to the
// working directory), checked to be text the JSON reader takes:
// UTF-8 with no byte order mark. Bytes that are not UTF-8 would otherwise reach image
// configs, and bake refuses a BOM at the start of a JSON file too.
#pragma once

#include "bake/positioned_json.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace lading::bake {

struct bake_text_fault {
    std::optional<source_position> at;  // none: the file as a whole (unreadable, a directory)
    std::string message;
};

// The file's text, or why it cannot be a bake file.
std::variant<std::string, bake_text_fault> read_bake_text(const std::filesystem::path& path);

enum class bake_syntax { json, hcl };

// A file's syntax: by its extension (.json, .hcl), else JSON when its first character other
// than white space is '{' (standard input, other names), else HCL.
bake_syntax syntax_of(const std::filesystem::path& path, std::string_view text);

// Nullopt when `text` is UTF-8 without a byte order mark, else where and why it is not.
std::optional<bake_text_fault> check_bake_encoding(const std::string& text);

}  // namespace lading::bake
