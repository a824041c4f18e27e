// bake's text functions beyond the first ones: trimspace, trim, chomp, indent, strlen,
// substr, reverse, title (these four on ASCII text only: HCL counts and cases by Unicode
// grapheme and letter rules lading does not carry) and buildx's sanitize, basename and
// dirname (Go's path.Base and path.Dir).
#include "bake/function_arguments.hpp"
#include "bake/interpolation.hpp"
#include "text/utf8.hpp"

#include <algorithm>
#include <set>

namespace lading::bake {

namespace {

char32_t code_point(std::string_view character)
{
    const auto lead = static_cast<unsigned char>(character[0]);
    if (character.size() == 1) return lead;
    char32_t cp = lead & (0x7F >> character.size());
    for (std::size_t i = 1; i < character.size(); ++i) cp = (cp << 6) | (static_cast<unsigned char>(character[i]) & 0x3F);
    return cp;
}

// White space as Go's unicode.IsSpace has it, which HCL's trimspace trims.
bool is_white_space(std::string_view character)
{
    const auto cp = code_point(character);
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

// `s` without the characters at either end for which `drop` holds.
template <class Predicate>
std::string trimmed(const std::string& s, Predicate drop)
{
    const auto characters = text::utf8_characters(s);
    std::size_t first = 0, last = characters.size();
    while (first < last && drop(characters[first])) ++first;
    while (last > first && drop(characters[last - 1])) --last;
    if (first == last) return {};
    const auto begin = characters[first].data() - s.data();
    const auto end = characters[last - 1].data() + characters[last - 1].size() - s.data();
    return s.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
}

json_node trim(const arguments& a)
{
    a.expect(2);
    const auto cutset = a.text(1);
    const auto characters = text::utf8_characters(cutset);
    const std::set<std::string_view> cut(characters.begin(), characters.end());
    return string_node(trimmed(a.text(0), [&](std::string_view c) { return cut.contains(c); }));
}

// Removes the line endings (\n, \r\n or \r) at the end.
json_node chomp(const arguments& a)
{
    a.expect(1);
    auto s = a.text(0);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        if (s.back() == '\n' && s.size() >= 2 && s[s.size() - 2] == '\r')
            s.resize(s.size() - 2);
        else
            s.pop_back();
    }
    return string_node(std::move(s));
}

json_node indent(const arguments& a)
{
    a.expect(2);
    const auto spaces = a.whole_number(0);
    if (spaces < 0) a.fail("the number of spaces must not be negative");
    const auto s = a.text(1);
    // Checked before the text is made: a few characters could otherwise ask for gigabytes.
    const auto lines = static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
    if (lines > 0 && static_cast<std::size_t>(spaces) > max_interpolated_size / lines)
        a.fail("the indented text would be longer than " + std::to_string(max_interpolated_size >> 20) + " MiB");
    std::string out;
    for (char c : s) {
        out += c;
        if (c == '\n') out.append(static_cast<std::size_t>(spaces), ' ');
    }
    return string_node(std::move(out));
}

// substr(TEXT, OFFSET, LENGTH) as HCL takes it: a negative OFFSET counts from the end, a
// negative LENGTH takes the rest, and past the end is the empty string.
json_node substr(const arguments& a)
{
    a.expect(3);
    const auto s = a.ascii_text(0);
    const auto clusters = ascii_clusters(s);
    auto offset = a.whole_number(1);
    const auto length = a.whole_number(2);
    const auto size = static_cast<std::int64_t>(clusters.size());
    if (offset < 0)
        offset = std::max<std::int64_t>(offset + size, 0);
    else if (length == 0)
        return string_node("");
    if (offset >= size) return string_node("");
    // A LENGTH of 0 with a negative OFFSET takes the rest too, as HCL's does.
    const auto end = length <= 0 ? size : std::min(size, offset + length);
    std::string out;
    for (auto i = offset; i < end; ++i) out += clusters[static_cast<std::size_t>(i)];
    return string_node(std::move(out));
}

// Each word's first letter in upper case; a word is a run of letters, digits and '_'.
json_node title(const arguments& a)
{
    a.expect(1);
    auto s = a.ascii_text(0);
    bool after_separator = true;
    for (auto& c : s) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (after_separator && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        after_separator = !word;
    }
    return string_node(std::move(s));
}

// buildx's sanitize: every character but ASCII letters, digits, '_' and '-' becomes '_'.
json_node sanitize(const arguments& a)
{
    a.expect(1);
    const auto text = a.text(0);
    std::string out;
    for (auto c : text::utf8_characters(text)) {
        const char b = c[0];
        const bool kept = c.size() == 1 && ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                                            b == '_' || b == '-');
        out += kept ? b : '_';
    }
    return string_node(std::move(out));
}

// Go's path.Clean: one '/' between names, no "." names, ".." taking the name before it, and
// "." for nothing.
std::string clean_path(const std::string& path)
{
    const bool rooted = path.starts_with('/');
    std::vector<std::string> names;
    std::size_t from = 0;
    while (from <= path.size()) {
        auto slash = path.find('/', from);
        if (slash == std::string::npos) slash = path.size();
        auto name = path.substr(from, slash - from);
        from = slash + 1;
        if (name.empty() || name == ".") continue;
        if (name == "..") {
            if (!names.empty() && names.back() != "..")
                names.pop_back();
            else if (!rooted)
                names.push_back(name);
            continue;
        }
        names.push_back(name);
    }
    std::string out = rooted ? "/" : "";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? "/" : "") + names[i];
    return out.empty() ? "." : out;
}

json_node basename(const arguments& a)
{
    a.expect(1);
    auto path = a.text(0);
    if (path.empty()) return string_node(".");
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (path == "/") return string_node("/");
    return string_node(path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
}

json_node dirname(const arguments& a)
{
    a.expect(1);
    const auto path = a.text(0);
    const auto slash = path.rfind('/');
    return string_node(clean_path(slash == std::string::npos ? "" : path.substr(0, slash + 1)));
}

}  // namespace

void add_text_functions(function_table& table)
{
    table.insert({
        {"trimspace",
         [](const arguments& a) {
             a.expect(1);
             return string_node(trimmed(a.text(0), is_white_space));
         }},
        {"trim", trim},
        {"chomp", chomp},
        {"indent", indent},
        {"strlen",
         [](const arguments& a) {
             a.expect(1);
             return whole_number_node(static_cast<std::int64_t>(ascii_clusters(a.ascii_text(0)).size()));
         }},
        {"substr", substr},
        {"reverse",
         [](const arguments& a) {
             a.expect(1);
             const auto s = a.ascii_text(0);
             auto clusters = ascii_clusters(s);
             std::reverse(clusters.begin(), clusters.end());
             std::string out;
             for (auto c : clusters) out += c;
             return string_node(std::move(out));
         }},
        {"title", title},
        {"sanitize", sanitize},
        {"basename", basename},
        {"dirname", dirname},
    });
}

}  // namespace lading::bake
