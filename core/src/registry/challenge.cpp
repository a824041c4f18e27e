#include <lading/error.hpp>
#include "registry/challenge.hpp"

#include <cctype>

namespace lading::registry {

namespace {

bool is_token_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

class scanner {
public:
    explicit scanner(std::string_view s) : s_(s) {}
    void skip_space()
    {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    bool done() const { return i_ >= s_.size(); }
    char peek() const { return done() ? '\0' : s_[i_]; }
    void advance() { ++i_; }
    std::string_view token()
    {
        auto start = i_;
        while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
        return s_.substr(start, i_ - start);
    }
    // Token68 values may end in '=' padding.
    std::string_view token68()
    {
        auto start = i_;
        while (i_ < s_.size() && (is_token_char(s_[i_]) || s_[i_] == '/')) ++i_;
        while (i_ < s_.size() && s_[i_] == '=') ++i_;
        return s_.substr(start, i_ - start);
    }
    std::string quoted()
    {
        std::string out;
        advance();  // opening quote
        while (!done()) {
            char c = s_[i_++];
            if (c == '"') return out;
            if (c == '\\' && !done()) c = s_[i_++];
            out += c;
        }
        throw error("malformed WWW-Authenticate header: unbalanced quote");
    }
    std::size_t pos() const { return i_; }
    void seek(std::size_t p) { i_ = p; }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

std::vector<challenge> parse_challenges(std::string_view header)
{
    std::vector<challenge> out;
    scanner sc(header);
    for (;;) {
        sc.skip_space();
        while (sc.peek() == ',') {
            sc.advance();
            sc.skip_space();
        }
        if (sc.done()) break;
        auto scheme = sc.token();
        if (scheme.empty()) throw error("malformed WWW-Authenticate header: expected an auth scheme");
        challenge ch{lower(scheme), {}};
        // A token68 credential ("Negotiate abc==") instead of parameters.
        {
            sc.skip_space();
            auto mark = sc.pos();
            auto t = sc.token68();
            sc.skip_space();
            if (!t.empty() && (sc.done() || sc.peek() == ',')) {
                out.push_back(std::move(ch));
                continue;
            }
            sc.seek(mark);
        }
        // Parameters: name=value pairs separated by commas, until the next scheme.
        for (;;) {
            sc.skip_space();
            auto mark = sc.pos();
            auto name = sc.token();
            sc.skip_space();
            if (name.empty() || sc.peek() != '=') {
                sc.seek(mark);
                if (!name.empty() && ch.params.empty()) {  // token68 form, e.g. "Negotiate abc=="
                    sc.token68();
                }
                break;
            }
            sc.advance();  // '='
            sc.skip_space();
            std::string value = sc.peek() == '"' ? sc.quoted() : std::string(sc.token());
            ch.params[lower(name)] = value;
            sc.skip_space();
            if (sc.peek() == ',') {
                sc.advance();
                continue;
            }
            if (!sc.done()) {
                // Another scheme follows without a comma: tolerated only as the next challenge.
            }
            break;
        }
        out.push_back(std::move(ch));
        sc.skip_space();
        if (sc.done()) break;
        if (!is_token_char(sc.peek()) && sc.peek() != ',')
            throw error("malformed WWW-Authenticate header near \"" + std::string(header.substr(sc.pos(), 20)) + "\"");
    }
    return out;
}

std::vector<std::string> split_scopes(std::string_view scope)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < scope.size()) {
        auto space = scope.find(' ', i);
        auto s = scope.substr(i, space == std::string_view::npos ? space : space - i);
        if (!s.empty()) out.emplace_back(s);
        if (space == std::string_view::npos) break;
        i = space + 1;
    }
    return out;
}

}  // namespace lading::registry
