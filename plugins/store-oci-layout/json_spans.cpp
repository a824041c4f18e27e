#include "json_spans.hpp"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace oci_layout {

namespace {

// A cursor over text already known to be valid JSON: it only finds where values end.
class scanner {
public:
    scanner(std::string_view text, std::size_t at) : text_(text), at_(at) {}

    std::size_t at() const { return at_; }
    char peek()
    {
        skip_space();
        if (at_ >= text_.size()) throw std::runtime_error("index.json ends too early");
        return text_[at_];
    }
    void expect(char c)
    {
        if (peek() != c) throw std::runtime_error(std::string("index.json: expected '") + c + "'");
        ++at_;
    }
    text_span value()
    {
        const auto begin = (skip_space(), at_);
        switch (peek()) {
        case '"': skip_string(); break;
        case '{': skip_nested('{', '}'); break;
        case '[': skip_nested('[', ']'); break;
        default:
            while (at_ < text_.size() && !ends_scalar(text_[at_])) ++at_;
        }
        return {begin, at_};
    }
    std::string_view text_of(text_span s) const { return text_.substr(s.begin, s.end - s.begin); }

private:
    static bool ends_scalar(char c)
    {
        return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
    void skip_space()
    {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
            ++at_;
    }
    void skip_string()
    {
        for (++at_; at_ < text_.size() && text_[at_] != '"'; ++at_)
            if (text_[at_] == '\\') ++at_;
        ++at_;
    }
    void skip_nested(char open, char close)
    {
        int depth = 0;
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == '"') {
                skip_string();
                continue;
            }
            ++at_;
            if (c == open) ++depth;
            if (c == close && --depth == 0) return;
        }
    }

    std::string_view text_;
    std::size_t at_;
};

}  // namespace

std::optional<text_span> top_level_member(std::string_view text, std::string_view key)
{
    std::optional<text_span> found;
    scanner s(text, 0);
    s.expect('{');
    if (s.peek() == '}') return found;
    for (;;) {
        const auto name = s.text_of(s.value());
        s.expect(':');
        const auto v = s.value();
        // A key may be written with escapes: compare it decoded.
        if (boost::json::parse(name).as_string() == key) found = v;
        if (s.peek() == '}') return found;
        s.expect(',');
    }
}

std::vector<text_span> array_elements(std::string_view text, text_span array)
{
    std::vector<text_span> out;
    scanner s(text.substr(0, array.end), array.begin);
    s.expect('[');
    if (s.peek() == ']') return out;
    for (;;) {
        out.push_back(s.value());
        if (s.peek() == ']') return out;
        s.expect(',');
    }
}

}  // namespace oci_layout
