#include "printable_path.hpp"

namespace lading::test {

std::string printable(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string printable(const std::string& bytes) { return printable(std::string_view(bytes)); }

std::string printable(const char* bytes) { return printable(std::string_view(bytes)); }

std::string printable(const std::filesystem::path& path) { return printable(std::string_view(path.native())); }

}  // namespace lading::test
