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

void list_records(const fs::path& root, std::string_view prefix,
                  const std::function<void(const std::string&, const std::optional<std::string>&)>& visit)
{
    if (prefix.empty() || prefix.back() != '/')
        throw std::runtime_error("record prefix \"" + std::string(prefix.substr(0, 80)) + "\" does not end with '/'");
    // The prefix's components obey the key rules: they are those of a key below it.
    const auto dir = record_file(std::string(prefix) + "x").parent_path();
    fs::path walked = root;
    for (const auto& component : dir) {
        walked /= component;
        auto st = fs::symlink_status(walked);
        if (!fs::exists(st)) return;
        if (!fs::is_directory(st)) throw std::runtime_error(walked.string() + " is not a directory");
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(walked, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const auto name = it->path().filename().string();
        const auto st = it->symlink_status();
        if (name.starts_with('.')) {
            if (fs::is_directory(st)) it.disable_recursion_pending();
            continue;
        }
        if (fs::is_directory(st) || !name.ends_with(".json")) continue;
        auto key = it->path().lexically_relative(root).string();
        key.resize(key.size() - 5);
        std::optional<std::string> value;
        try {
            value = read_record(root, key);
        } catch (const std::exception&) {
        }
        visit(key, value);
    }
    if (ec) throw std::runtime_error("cannot list " + walked.string() + ": " + ec.message());
}

bool remove_record(const fs::path& root, std::string_view key)
{
    return remove_layout_file(root, record_file(key));
}

void write_record(const fs::path& root, std::string_view key, std::string_view value)
{
    const auto relative = record_file(key);
    ensure_layout_directories(root, relative.parent_path());
    replace_file_atomically(root, root / relative, value);
}

}  // namespace oci_layout
