#include "bake/bake_file_text.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace lading::bake {

namespace fs = std::filesystem;

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
    return text.str();
}

}  // namespace lading::bake
