#include "mirror/route.hpp"
#include "registry/percent_encode.hpp"
#include "text/hex_digit.hpp"

#include <lading/oci/digest.hpp>

#include <vector>

namespace lading::mirror {

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component of a repository: [a-z0-9]+ separated by '.', '_', '__' or runs of '-'.
bool valid_component(std::string_view c)
{
    if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (lower_alnum(c[i])) continue;
        std::size_t j = i;
        while (j < c.size() && !lower_alnum(c[j])) ++j;
        auto sep = c.substr(i, j - i);
        bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
        if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
        i = j - 1;
    }
    return true;
}

// A query component: %XX escapes and + for a space; a malformed escape is kept as it is.
std::string form_decode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && text::hex_digit_value(s[i + 1]) >= 0 && text::hex_digit_value(s[i + 2]) >= 0) {
            out += static_cast<char>(text::hex_digit_value(s[i + 1]) * 16 + text::hex_digit_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parse_query(std::string_view q)
{
    std::map<std::string, std::string> out;
    while (!q.empty()) {
        auto amp = q.find('&');
        auto pair = q.substr(0, amp);
        auto eq = pair.find('=');
        auto key = form_decode(pair.substr(0, eq));
        if (!key.empty())
            out.emplace(key, eq == std::string_view::npos ? std::string() : form_decode(pair.substr(eq + 1)));
        q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    }
    return out;
}

std::vector<std::string_view> split_path(std::string_view p)
{
    std::vector<std::string_view> parts;
    while (!p.empty()) {
        auto slash = p.find('/');
        parts.push_back(p.substr(0, slash));
        p = slash == std::string_view::npos ? std::string_view() : p.substr(slash + 1);
    }
    return parts;
}

std::string join(const std::vector<std::string_view>& parts, std::size_t from, std::size_t to)
{
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        if (i > from) out += '/';
        out += parts[i];
    }
    return out;
}

// The upstream names a containerd ns= value may stand for: itself, and for Docker Hub (which
// containerd calls docker.io) the hosts its registry answers at.
std::vector<std::string_view> upstream_names_for(std::string_view ns)
{
    if (ns == "docker.io") return {ns, "registry-1.docker.io", "index.docker.io"};
    return {ns};
}

}  // namespace

bool valid_repository(std::string_view name)
{
    if (name.empty() || name.size() > 255) return false;
    for (auto c : split_path(name))
        if (!valid_component(c)) return false;
    return name.back() != '/';
}

bool valid_tag(std::string_view tag)
{
    if (tag.empty() || tag.size() > 128) return false;
    auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
    if (!word(tag.front())) return false;
    for (char c : tag)
        if (!word(c) && c != '.' && c != '-') return false;
    return true;
}

route_result parse_route(std::string_view target, const std::function<bool(std::string_view)>& is_upstream)
{
    auto question = target.find('?');
    auto path = target.substr(0, question);
    route r;
    if (question != std::string_view::npos) r.query = parse_query(target.substr(question + 1));
    if (path == "/metrics") {
        r.kind = endpoint::metrics;
        return {r};
    }
    if (path == "/v2" || path == "/v2/") {
        r.kind = endpoint::base;
        return {r};
    }
    if (!path.starts_with("/v2/")) return {};
    auto parts = split_path(path.substr(4));
    if (parts.size() < 3) return {};
    std::size_t name_end = 0;
    const auto n = parts.size();
    if (parts[n - 2] == "tags" && parts[n - 1] == "list") {
        r.kind = endpoint::tags;
        name_end = n - 2;
    } else if (parts[n - 2] == "manifests" || parts[n - 2] == "blobs" || parts[n - 2] == "referrers") {
        r.kind = parts[n - 2] == "manifests" ? endpoint::manifest
                 : parts[n - 2] == "blobs"   ? endpoint::blob
                                             : endpoint::referrers;
        r.reference = std::string(parts[n - 1]);
        name_end = n - 2;
    } else {
        return {};
    }
    std::size_t name_begin = 0;
    if (auto ns = r.query.find("ns"); ns != r.query.end()) {
        for (auto name : upstream_names_for(ns->second))
            if (is_upstream(name)) {
                r.upstream = std::string(name);
                break;
            }
        // Never another registry's image under this one's name: the client goes to the registry itself.
        if (r.upstream.empty()) return {std::nullopt, route_problem::upstream_unknown};
    }
    if (r.upstream.empty() && name_end > 1 && is_upstream(parts[0])) {
        r.upstream = std::string(parts[0]);
        name_begin = 1;
    }
    r.repository = join(parts, name_begin, name_end);
    if (!valid_repository(r.repository)) return {std::nullopt, route_problem::name_invalid};
    bool is_digest = digest::parse(r.reference).has_value();
    if (r.kind == endpoint::manifest && !is_digest && !valid_tag(r.reference))
        return {std::nullopt, route_problem::reference_invalid};
    if ((r.kind == endpoint::blob || r.kind == endpoint::referrers) && !is_digest)
        return {std::nullopt, route_problem::digest_invalid};
    return {r};
}

}  // namespace lading::mirror
