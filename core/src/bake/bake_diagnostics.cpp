#include "bake/bake_diagnostics.hpp"

namespace lading::bake {

namespace {

std::string source_line(const std::string& text, int line)
{
    std::size_t start = 0;
    for (int l = 1; l < line; ++l) {
        start = text.find('\n', start);
        if (start == std::string::npos) return {};
        ++start;
    }
    auto end = text.find('\n', start);
    auto s = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!s.empty() && s.back() == '\r') s.pop_back();
    return s;
}

// Spaces up to the column, keeping the line's tabs so that the caret lines up in a terminal.
std::string caret_line(const std::string& line, int column)
{
    std::string out;
    int seen = 1;
    for (std::size_t i = 0; i < line.size() && seen < column; ++i) {
        auto byte = static_cast<unsigned char>(line[i]);
        if ((byte & 0xC0) == 0x80) continue;
        out += line[i] == '\t' ? '\t' : ' ';
        ++seen;
    }
    return out + "^";
}

}  // namespace

void diagnostics::add(const origin& where, std::string message)
{
    for (const auto& d : list_)
        if (d.file == where.file && d.at == where.at && d.message == message) return;
    list_.push_back({where.file, where.at, std::move(message)});
}

std::string render_diagnostics(const std::vector<diagnostic>& list, const source_texts& sources)
{
    std::string out;
    for (const auto& d : list) {
        if (d.file.empty()) {
            out += "lading: " + d.message + "\n";
            continue;
        }
        out += d.file.string() + ":" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column) + ": " +
               d.message + "\n";
        auto text = sources.find(d.file);
        if (text == sources.end()) continue;
        auto line = source_line(text->second, d.at.line);
        out += "  " + line + "\n  " + caret_line(line, d.at.column) + "\n";
    }
    return out;
}

}  // namespace lading::bake
