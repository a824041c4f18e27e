#include "record_files.hpp"
#include "layout_directory.hpp"

#include <stdexcept>

namespace oci_layout {

namespace {

constexpr std::size_t max_key_size = 1024;

bool key_character(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
}

// The record's file, relative to the root; throws on a key that is not allowed.
fs::path record_file(std::string_view key)
{
    auto refuse = [&](const char* why) {
        throw std::runtime_error("record key \"" + std::string(key.substr(0, 80)) + "\" " + why);
    };
    if (key.size() > max_key_size) refuse("is too long");
    fs::path relative;
    std::size_t components = 0;
    for (std::size_t start = 0; start <= key.size(); ++components) {
        auto end = std::min(key.find('/', start), key.size());
        auto component = key.substr(start, end - start);
        if (component.empty() || component[0] == '.') refuse("has an empty component or one starting with '.'");
        for (char c : component)
            if (!key_character(c)) refuse("may hold only letters, digits, '.', '-', '_' and '/'");
        relative /= std::string(component);
        start = end + 1;
    }
    // The layout's own names stay out of reach: index.json, oci-layout, blobs/, unpacked/.
    const auto first = relative.begin()->string();
    if (components < 2 || first == "blobs" || first == "unpacked") refuse("would name one of the layout's own files");
    relative += ".json";
    return relative;
}

}  // namespace

std::optional<std::string> read_record(const fs::path& root, std::string_view key)
{
    return read_layout_file_if_present(root, record_file(key));
}

void write_record(const fs::path& root, std::string_view key, std::string_view value)
{
    const auto relative = record_file(key);
    ensure_layout_directories(root, relative.parent_path());
    replace_file_atomically(root, root / relative, value);
}

}  // namespace oci_layout
