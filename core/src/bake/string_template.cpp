#include "bake/string_template.hpp"

#include "bake/hcl_identifier.hpp"

namespace lading::bake {

namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// The words of a directive, split at spaces and after commas ("for k, v in m").
std::vector<std::string> words_of(std::string_view s)
{
    std::vector<std::string> words;
    std::string word;
    for (char c : s) {
        if (is_space(c) || c == ',') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
            if (c == ',') words.emplace_back(",");
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

// The expression of "for ... in EXPRESSION", as written (it may hold commas and spaces).
std::string collection_after_in(std::string_view inside)
{
    for (std::size_t i = 1; i + 3 < inside.size(); ++i)
        if (is_space(inside[i - 1]) && inside.substr(i, 2) == "in" && is_space(inside[i + 2]))
            return std::string(trimmed(inside.substr(i + 2)));
    return {};
}

struct syntax_fault {
    template_syntax_error error;
};

// One "${...}" or "%{...}" tag: its inside without the strip markers.
struct tag {
    std::size_t offset;
    std::string_view inside;
    bool strip_before, strip_after;
};

// %{if} and %{for} inside each other deeper than this are refused: each level is a few frames
// of the stack, here and where the parts are evaluated.
constexpr int max_directive_depth = 100;

class template_parser {
public:
    explicit template_parser(std::string_view text) : in_(text) {}

    std::vector<template_part> all()
    {
        std::string ended;
        auto parts = sequence(ended, {});
        return parts;
    }

private:
    std::string_view in_;
    int directive_depth_ = 0;
    std::size_t at_ = 0;
    bool strip_next_text_ = false;  // the tag just read ended with "~"

    [[noreturn]] static void fail(std::size_t offset, std::string message)
    {
        throw syntax_fault{{offset, std::move(message)}};
    }

    static void add_text(std::vector<template_part>& parts, std::string_view text, std::size_t offset)
    {
        if (parts.empty() || parts.back().type != template_part::kind::text) {
            template_part p;
            p.offset = offset;
            parts.push_back(std::move(p));
        }
        parts.back().text += text;
    }

    void literal(std::vector<template_part>& parts, std::string_view text)
    {
        if (strip_next_text_ && text.size() == 1 && is_space(text[0])) return;
        strip_next_text_ = false;
        add_text(parts, text, at_);
    }

    std::size_t closing_brace() const { return tag_end(in_, at_); }

    tag read_tag(std::string_view opening)
    {
        auto start = at_;
        auto close = closing_brace();
        if (close == std::string_view::npos)
            fail(start, "unterminated \"" + std::string(opening) + "\"; write \"" + opening[0] + std::string(opening) +
                            "\" for a literal \"" + std::string(opening) + "\"");
        auto inside = in_.substr(at_ + 2, close - at_ - 2);
        tag t{start, inside, false, false};
        if (!t.inside.empty() && t.inside.front() == '~') {
            t.strip_before = true;
            t.inside.remove_prefix(1);
        }
        if (!t.inside.empty() && t.inside.back() == '~') {
            t.strip_after = true;
            t.inside.remove_suffix(1);
        }
        t.inside = trimmed(t.inside);
        at_ = close + 1;
        return t;
    }

    // Applies a tag's strip markers to the text before it (in `parts`) and after it.
    void strip(const tag& t, std::vector<template_part>& parts)
    {
        if (t.strip_before && !parts.empty() && parts.back().type == template_part::kind::text) {
            auto& text = parts.back().text;
            while (!text.empty() && is_space(text.back())) text.pop_back();
            if (text.empty()) parts.pop_back();
        }
        strip_next_text_ = t.strip_after;
    }

    // Parts up to the end of the string or to a directive named in `ends` (left in `ended`).
    std::vector<template_part> sequence(std::string& ended, std::initializer_list<std::string_view> ends)
    {
        std::vector<template_part> parts;
        while (at_ < in_.size()) {
            auto rest = in_.substr(at_);
            if (rest.starts_with("$${") || rest.starts_with("%%{")) {
                strip_next_text_ = false;
                add_text(parts, rest.substr(1, 2), at_);
                at_ += 3;
            } else if (rest.starts_with("${")) {
                auto t = read_tag("${");
                strip(t, parts);
                template_part p;
                p.type = template_part::kind::reference;
                p.offset = t.offset;
                p.text = std::string(t.inside);
                parts.push_back(std::move(p));
            } else if (rest.starts_with("%{")) {
                auto t = read_tag("%{");
                strip(t, parts);
                auto words = words_of(t.inside);
                auto keyword = words.empty() ? std::string() : words.front();
                for (auto end : ends)
                    if (keyword == end && words.size() == 1) {
                        ended = keyword;
                        return parts;
                    }
                parts.push_back(directive(t, words));
            } else {
                literal(parts, rest.substr(0, 1));
                ++at_;
            }
        }
        return parts;
    }

    template_part directive(const tag& t, const std::vector<std::string>& words)
    {
        if (directive_depth_ >= max_directive_depth)
            fail(t.offset, "%{if} and %{for} nest more than " + std::to_string(max_directive_depth) + " levels deep");
        ++directive_depth_;
        auto part = directive_part(t, words);
        --directive_depth_;
        return part;
    }

    template_part directive_part(const tag& t, const std::vector<std::string>& words)
    {
        template_part p;
        p.offset = t.offset;
        const auto& keyword = words.empty() ? std::string() : words.front();
        std::string ended;
        if (keyword == "if") {
            if (words.size() < 2) fail(t.offset, "\"%{" + std::string(t.inside) + "}\": write %{if CONDITION}");
            p.type = template_part::kind::if_directive;
            p.text = std::string(trimmed(t.inside.substr(2)));
            p.body = sequence(ended, {"else", "endif"});
            if (ended == "else") p.otherwise = sequence(ended, {"endif"});
            if (ended != "endif") fail(t.offset, "%{if} without %{endif}");
            return p;
        }
        if (keyword == "for") {
            bool with_key = words.size() >= 6 && words[2] == "," && words[4] == "in";
            if (!with_key && !(words.size() >= 4 && words[2] == "in"))
                fail(t.offset, "\"%{" + std::string(t.inside) + "}\": write %{for VALUE in COLLECTION} or "
                                   "%{for KEY, VALUE in COLLECTION}");
            if (!is_identifier(words[1]) || (with_key && !is_identifier(words[3])))
                fail(t.offset, "\"%{" + std::string(t.inside) + "}\": a loop variable is a name such as x or key");
            p.type = template_part::kind::for_directive;
            p.key = with_key ? words[1] : "";
            p.value = with_key ? words[3] : words[1];
            p.text = collection_after_in(t.inside);
            p.body = sequence(ended, {"endfor"});
            if (ended != "endfor") fail(t.offset, "%{for} without %{endfor}");
            return p;
        }
        if (keyword == "else" || keyword == "endif" || keyword == "endfor")
            fail(t.offset, "%{" + keyword + "} without %{" + (keyword == "endfor" ? "for" : "if") + "}");
        fail(t.offset, "unknown template directive \"%{" + std::string(t.inside) + "}\"; lading supports %{if}, "
                           "%{else}, %{endif}, %{for} and %{endfor}; write %%{ for a literal %{");
    }
};

}  // namespace

namespace {

constexpr int max_tag_nesting = 100;

std::size_t tag_end_at(std::string_view text, std::size_t open, int nesting);

// The quote that closes the string literal whose opening quote is at `open`, past the tags
// inside it, or npos.
std::size_t string_end_at(std::string_view text, std::size_t open, int nesting)
{
    for (auto i = open + 1; i < text.size(); ++i) {
        const char c = text[i];
        const auto rest = text.substr(i);
        if (c == '\\') {
            ++i;
        } else if (c == '"') {
            return i;
        } else if (rest.starts_with("$${") || rest.starts_with("%%{")) {
            i += 2;
        } else if (rest.starts_with("${") || rest.starts_with("%{")) {
            i = tag_end_at(text, i, nesting + 1);
            if (i == std::string_view::npos) return i;
        }
    }
    return std::string_view::npos;
}

std::size_t tag_end_at(std::string_view text, std::size_t open, int nesting)
{
    if (nesting > max_tag_nesting) return std::string_view::npos;
    for (auto i = open + 2; i < text.size(); ++i) {
        if (text[i] == '"') {
            i = string_end_at(text, i, nesting);
            if (i == std::string_view::npos) return i;
        } else if (text[i] == '}') {
            return i;
        }
    }
    return std::string_view::npos;
}

}  // namespace

std::size_t tag_end(std::string_view text, std::size_t open) { return tag_end_at(text, open, 0); }

std::optional<std::vector<template_part>> parse_template(std::string_view text, template_syntax_error& error)
{
    try {
        return template_parser(text).all();
    } catch (const syntax_fault& f) {
        error = f.error;
        return std::nullopt;
    }
}

}  // namespace lading::bake
