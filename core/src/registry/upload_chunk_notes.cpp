#include "registry/upload_chunk_notes.hpp"

#include "posix/atomic_file.hpp"
#include "xdg_directory.hpp"

#include <cctype>
#include <charconv>

namespace lading::registry {

namespace fs = std::filesystem;

std::optional<fs::path> upload_chunk_note(const std::string& host)
{
    auto cache = lading_cache_directory();
    if (!cache || host.empty()) return std::nullopt;
    // Host names and ports are letters, digits, dots and dashes; anything else (an IPv6
    // literal's brackets and colons, the port's colon) becomes '_'.
    std::string name = host;
    for (auto& c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) c = '_';
    if (name.front() == '.') name.front() = '_';
    return *cache / "upload-chunks" / name;
}

std::optional<std::uint64_t> remembered_upload_chunk_size(const std::string& host)
{
    auto file = upload_chunk_note(host);
    if (!file) return std::nullopt;
    std::error_code ec;
    auto written = fs::last_write_time(*file, ec);
    if (ec || fs::file_time_type::clock::now() - written > upload_chunk_note_lifetime) return std::nullopt;
    auto read = read_small_file(*file, 64);
    if (!read) return std::nullopt;
    auto& text = *read;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    std::uint64_t bytes = 0;
    auto [end, parse_error] = std::from_chars(text.data(), text.data() + text.size(), bytes);
    if (parse_error != std::errc() || end != text.data() + text.size() || bytes == 0) return std::nullopt;
    return bytes;
}

void remember_upload_chunk_size(const std::string& host, std::uint64_t bytes)
{
    auto file = upload_chunk_note(host);
    if (!file) return;
    try {
        replace_file_atomically(*file, std::to_string(bytes) + "\n", 0644, replacement_durability::cache_only);
    } catch (const std::exception&) {
        // A cache that cannot be written costs the next push the refusals again, nothing more.
    }
}

}  // namespace lading::registry
